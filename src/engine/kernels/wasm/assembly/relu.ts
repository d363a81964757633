// @ts-nocheck -- AssemblyScript source (compiled by scripts/build-wasm.mjs), not plain TypeScript.
//
// ReLU and its gradient on float32 bit patterns, four lanes at a time: the masks of ops/unary.ts's
// JavaScript loops (NaN kept, no branches). The host rounds each region up to whole vectors.

const MAGNITUDE: i32 = 0x7fffffff;
const INFINITY_BITS: i32 = 0x7f800000;

/** out = x where x's sign is clear or x is NaN, else +0 (max(x, 0) with NaN kept). */
export function reluF32(x: usize, out: usize, n: i32): void {
  const mag = i32x4.splat(MAGNITUDE), inf = i32x4.splat(INFINITY_BITS);
  for (let i = 0; i < n; i += 4) {
    const u = v128.load(x + (<usize>i << 2));
    const negative = i32x4.shr_s(u, 31);
    const nan = i32x4.gt_s(v128.and(u, mag), inf);
    v128.store(out + (<usize>i << 2), v128.and(u, v128.or(v128.not(negative), nan)));
  }
}

/** out = g where y > 0 or y is NaN, else +0 (threshold_backward: NaN or ∞ in g does not leak through the mask). */
export function reluBackwardF32(g: usize, y: usize, out: usize, n: i32): void {
  const mag = i32x4.splat(MAGNITUDE), inf = i32x4.splat(INFINITY_BITS), zero = i32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const at = <usize>i << 2;
    const u = v128.load(y + at);
    const pass = v128.or(i32x4.gt_s(u, zero), i32x4.gt_s(v128.and(u, mag), inf));
    v128.store(out + at, v128.and(v128.load(g + at), pass));
  }
}
