// @ts-nocheck -- AssemblyScript source (compiled by scripts/build-wasm.mjs), not plain TypeScript.
//
// batch_norm's passes over float32 x [N, C, S] (channel c's values are N runs of S, C·S apart),
// the formulas of src/engine/kernels/batchNorm.ts: sums in float64 as PyTorch's CPU kernel
// accumulates float32, and each output computed in float64 and rounded once, so the values are the
// JavaScript loops' (sums up to their order). Two floats per f64x2 lane pair: the low and the high
// half of each f32x4. Per-channel coefficients are float64 arrays the host writes.

@inline
function lowF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline
function highF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

@inline
function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** moments[2c] = Σ x, moments[2c + 1] = Σ (x − mean)² over channel c, for every channel (two passes). */
export function bnMomentsF32(x: usize, N: i32, C: i32, S: i32, moments: usize): void {
  const count = <f64>N * <f64>S;
  for (let c = 0; c < C; c++) {
    let a = f64x2.splat(0), b = f64x2.splat(0);
    let tail: f64 = 0;
    for (let n = 0; n < N; n++) {
      const row = x + ((<usize>n * <usize>C + <usize>c) * <usize>S << 2);
      let s = 0;
      for (; s + 4 <= S; s += 4) {
        const v = v128.load(row + (<usize>s << 2));
        a = f64x2.add(a, lowF64(v));
        b = f64x2.add(b, highF64(v));
      }
      for (; s < S; s++) tail += <f64>load<f32>(row + (<usize>s << 2));
    }
    const sum = hsum(f64x2.add(a, b)) + tail;
    const m = sum / count;
    const vm = f64x2.splat(m);
    a = f64x2.splat(0);
    b = f64x2.splat(0);
    tail = 0;
    for (let n = 0; n < N; n++) {
      const row = x + ((<usize>n * <usize>C + <usize>c) * <usize>S << 2);
      let s = 0;
      for (; s + 4 <= S; s += 4) {
        const v = v128.load(row + (<usize>s << 2));
        const d0 = f64x2.sub(lowF64(v), vm), d1 = f64x2.sub(highF64(v), vm);
        a = f64x2.add(a, f64x2.mul(d0, d0));
        b = f64x2.add(b, f64x2.mul(d1, d1));
      }
      for (; s < S; s++) {
        const d = <f64>load<f32>(row + (<usize>s << 2)) - m;
        tail += d * d;
      }
    }
    store<f64>(moments + (<usize>c << 4), sum);
    store<f64>(moments + (<usize>c << 4) + 8, hsum(f64x2.add(a, b)) + tail);
  }
}

/** x = x·scale[c] + shift[c] in place (float64, rounded once), for every channel. */
export function bnNormalizeF32(x: usize, N: i32, C: i32, S: i32, scale: usize, shift: usize): void {
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const row = x + ((<usize>n * <usize>C + <usize>c) * <usize>S << 2);
      const k = load<f64>(scale + (<usize>c << 3)), h = load<f64>(shift + (<usize>c << 3));
      const vk = f64x2.splat(k), vh = f64x2.splat(h);
      let s = 0;
      for (; s + 4 <= S; s += 4) {
        const p = row + (<usize>s << 2);
        const v = v128.load(p);
        const lo = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(lowF64(v), vk), vh));
        const hi = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(highF64(v), vk), vh));
        v128.store(p, v128.shuffle<f32>(lo, hi, 0, 1, 4, 5));
      }
      for (; s < S; s++) {
        const p = row + (<usize>s << 2);
        store<f32>(p, <f32>(<f64>load<f32>(p) * k + h));
      }
    }
  }
}

/** sums[2c] = Σ g, sums[2c + 1] = Σ g·(x − mean[c]) over channel c, for every channel. */
export function bnGradSumsF32(g: usize, x: usize, N: i32, C: i32, S: i32, mean: usize, sums: usize): void {
  for (let c = 0; c < C; c++) {
    const m = load<f64>(mean + (<usize>c << 3));
    const vm = f64x2.splat(m);
    let ga = f64x2.splat(0), gb = f64x2.splat(0), pa = f64x2.splat(0), pb = f64x2.splat(0);
    let gt: f64 = 0, pt: f64 = 0;
    for (let n = 0; n < N; n++) {
      const off = (<usize>n * <usize>C + <usize>c) * <usize>S << 2;
      let s = 0;
      for (; s + 4 <= S; s += 4) {
        const o = off + (<usize>s << 2);
        const gv = v128.load(g + o), xv = v128.load(x + o);
        const g0 = lowF64(gv), g1 = highF64(gv);
        ga = f64x2.add(ga, g0);
        gb = f64x2.add(gb, g1);
        pa = f64x2.add(pa, f64x2.mul(g0, f64x2.sub(lowF64(xv), vm)));
        pb = f64x2.add(pb, f64x2.mul(g1, f64x2.sub(highF64(xv), vm)));
      }
      for (; s < S; s++) {
        const o = off + (<usize>s << 2);
        const gs = <f64>load<f32>(g + o);
        gt += gs;
        pt += gs * (<f64>load<f32>(x + o) - m);
      }
    }
    store<f64>(sums + (<usize>c << 4), hsum(f64x2.add(ga, gb)) + gt);
    store<f64>(sums + (<usize>c << 4) + 8, hsum(f64x2.add(pa, pb)) + pt);
  }
}

/**
 * g = a[c]·g + b[c]·(x − mean[c]) + k[c] in place (float64, rounded once), for every channel: the
 * input gradient's closed form (coef holds a, b, k and mean per channel, 4 float64 each).
 */
export function bnInputGradF32(g: usize, x: usize, N: i32, C: i32, S: i32, coef: usize): void {
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const off = (<usize>n * <usize>C + <usize>c) * <usize>S << 2;
      const q = coef + (<usize>c << 5);
      const a = load<f64>(q), b = load<f64>(q + 8), k = load<f64>(q + 16), m = load<f64>(q + 24);
      const va = f64x2.splat(a), vb = f64x2.splat(b), vk = f64x2.splat(k), vm = f64x2.splat(m);
      let s = 0;
      for (; s + 4 <= S; s += 4) {
        const o = off + (<usize>s << 2);
        const gv = v128.load(g + o), xv = v128.load(x + o);
        const lo = f64x2.add(f64x2.add(f64x2.mul(va, lowF64(gv)), f64x2.mul(vb, f64x2.sub(lowF64(xv), vm))), vk);
        const hi = f64x2.add(f64x2.add(f64x2.mul(va, highF64(gv)), f64x2.mul(vb, f64x2.sub(highF64(xv), vm))), vk);
        v128.store(g + o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
      }
      for (; s < S; s++) {
        const o = off + (<usize>s << 2);
        store<f32>(g + o, <f32>(a * <f64>load<f32>(g + o) + b * (<f64>load<f32>(x + o) - m) + k));
      }
    }
  }
}
