/**
 * batch_norm's passes over [N, C, S] (channel c's values are N runs of S, C·S apart): per-channel
 * sums in float64, as PyTorch's CPU kernel accumulates float32, and elementwise passes computed in
 * float64 and rounded once. float32 arrays run in wasm (assembly/batchNorm.ts: f64x2 on each half
 * of an f32x4, copied in and out once per pass), the rest in the JavaScript loops below, which give
 * the same values (sums up to their order). In the loops, four partial sums: one running sum is a
 * chain of dependent additions, which made them several times slower than memory.
 */
import type { FloatArray } from "./matmulRef";
import { wasmScratch } from "./matmul";

/** Below this many values the copies into wasm cost about what the loops do. */
const WASM_MIN_VALUES = 1024;
const align16 = (bytes: number): number => (bytes + 15) & ~15;

function scratchFor(arrays: FloatArray[], n: number, C: number, extraF64PerChannel: number, regions: number) {
  if (n < WASM_MIN_VALUES || !arrays.every((a) => a instanceof Float32Array)) return null;
  return wasmScratch(regions * align16(n * 4) + extraF64PerChannel * 8 * C);
}

/**
 * out = x·scale[c] + shift[c]. With `moments` (training), first moments[2c] = Σ x and
 * moments[2c + 1] = Σ (x − Σx/(N·S))² per channel; `coefficients` then fills scale and shift (it
 * must not run kernels: x waits in wasm memory meanwhile).
 */
export function batchNormForward(
  x: FloatArray, out: FloatArray, N: number, C: number, S: number, moments: Float64Array | null,
  coefficients: (scale: Float64Array, shift: Float64Array) => void,
): void {
  const n = N * C * S;
  const scale = new Float64Array(C), shift = new Float64Array(C);
  const s = scratchFor([x, out], n, C, 4, 1);
  if (s === null) {
    const two = new Float64Array(2);
    if (moments !== null) {
      for (let c = 0; c < C; c++) {
        channelMoments(x, N, C, S, c, two);
        moments[2 * c] = two[0]!;
        moments[2 * c + 1] = two[1]!;
      }
    }
    coefficients(scale, shift);
    for (let i = 0; i < N; i++) for (let c = 0; c < C; c++) normalizeRun(x, out, (i * C + c) * S, S, scale[c]!, shift[c]!);
    return;
  }
  const xp = s.base, mp = xp + align16(n * 4), sp = mp, hp = sp + 8 * C;
  s.f32.set(x.subarray(0, n), xp >> 2);
  if (moments !== null) {
    s.ex.bnMomentsF32(xp, N, C, S, mp);
    moments.set(new Float64Array(s.f32.buffer, mp, 2 * C));
  }
  coefficients(scale, shift);
  const t = wasmScratch(0)!; // the same memory; a fresh view in case it grew meanwhile
  new Float64Array(t.f32.buffer, sp, C).set(scale);
  new Float64Array(t.f32.buffer, hp, C).set(shift);
  t.ex.bnNormalizeF32(xp, N, C, S, sp, hp);
  out.set(t.f32.subarray(xp >> 2, (xp >> 2) + n));
}

/**
 * Training mode's backward: sums[2c] = Σ g and sums[2c + 1] = Σ g·(x − mean[c]) per channel; then,
 * when gx is given, `coefficients` returns a, b, k per channel (3·C) and gx = a·g + b·(x − mean) + k.
 */
export function batchNormBackward(
  g: FloatArray, x: FloatArray, gx: FloatArray | null, N: number, C: number, S: number, mean: Float64Array, sums: Float64Array,
  coefficients: () => Float64Array,
): void {
  const n = N * C * S;
  const s = scratchFor(gx !== null ? [g, x, gx] : [g, x], n, C, 4, 2);
  if (s === null) {
    const two = new Float64Array(2);
    for (let c = 0; c < C; c++) {
      channelGradSums(g, x, mean[c]!, N, C, S, c, two);
      sums[2 * c] = two[0]!;
      sums[2 * c + 1] = two[1]!;
    }
    if (gx === null) return;
    const abk = coefficients();
    for (let i = 0; i < N; i++) {
      for (let c = 0; c < C; c++) inputGradRun(g, x, gx, (i * C + c) * S, S, mean[c]!, abk[3 * c]!, abk[3 * c + 1]!, abk[3 * c + 2]!);
    }
    return;
  }
  const gp = s.base, xp = gp + align16(n * 4), cp = xp + align16(n * 4);
  s.f32.set(g.subarray(0, n), gp >> 2);
  s.f32.set(x.subarray(0, n), xp >> 2);
  new Float64Array(s.f32.buffer, cp, C).set(mean);
  s.ex.bnGradSumsF32(gp, xp, N, C, S, cp, cp + 8 * C);
  sums.set(new Float64Array(s.f32.buffer, cp + 8 * C, 2 * C));
  if (gx === null) return;
  const abk = coefficients();
  const t = wasmScratch(0)!;
  const coef = new Float64Array(t.f32.buffer, cp, 4 * C);
  for (let c = 0; c < C; c++) coef.set([abk[3 * c]!, abk[3 * c + 1]!, abk[3 * c + 2]!, mean[c]!], 4 * c);
  t.ex.bnInputGradF32(gp, xp, N, C, S, cp);
  gx.set(t.f32.subarray(gp >> 2, (gp >> 2) + n));
}

/** out[0] = Σ x over channel c, out[1] = Σ (x − mean)² with mean = out[0] / (N·S) (two passes, as before). */
export function channelMoments(x: FloatArray, N: number, C: number, S: number, c: number, out: Float64Array): void {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let n = 0; n < N; n++) {
    const o = (n * C + c) * S;
    let s = 0;
    for (; s + 4 <= S; s += 4) {
      s0 += x[o + s]!;
      s1 += x[o + s + 1]!;
      s2 += x[o + s + 2]!;
      s3 += x[o + s + 3]!;
    }
    for (; s < S; s++) s0 += x[o + s]!;
  }
  const sum = s0 + s1 + s2 + s3;
  const m = sum / (N * S);
  let v0 = 0, v1 = 0, v2 = 0, v3 = 0;
  for (let n = 0; n < N; n++) {
    const o = (n * C + c) * S;
    let s = 0;
    for (; s + 4 <= S; s += 4) {
      const d0 = x[o + s]! - m, d1 = x[o + s + 1]! - m, d2 = x[o + s + 2]! - m, d3 = x[o + s + 3]! - m;
      v0 += d0 * d0;
      v1 += d1 * d1;
      v2 += d2 * d2;
      v3 += d3 * d3;
    }
    for (; s < S; s++) {
      const d = x[o + s]! - m;
      v0 += d * d;
    }
  }
  out[0] = sum;
  out[1] = v0 + v1 + v2 + v3;
}

/** out[0] = Σ g, out[1] = Σ g·(x − m) over channel c. */
export function channelGradSums(g: FloatArray, x: FloatArray, m: number, N: number, C: number, S: number, c: number, out: Float64Array): void {
  let g0 = 0, g1 = 0, p0 = 0, p1 = 0;
  for (let n = 0; n < N; n++) {
    const o = (n * C + c) * S;
    let s = 0;
    for (; s + 2 <= S; s += 2) {
      const a = g[o + s]!, b = g[o + s + 1]!;
      g0 += a;
      g1 += b;
      p0 += a * (x[o + s]! - m);
      p1 += b * (x[o + s + 1]! - m);
    }
    for (; s < S; s++) {
      const a = g[o + s]!;
      g0 += a;
      p0 += a * (x[o + s]! - m);
    }
  }
  out[0] = g0 + g1;
  out[1] = p0 + p1;
}

// The elementwise passes, one run of S values at a time: as loops inside batchNorm (over arrays
// typed as any of the engine's dtypes) they ran at a third of the speed of these small functions.

/** out[o..o+S) = x·scale + shift (the normalized, affine output). */
export function normalizeRun(x: FloatArray, out: FloatArray, o: number, S: number, scale: number, shift: number): void {
  for (let s = o; s < o + S; s++) out[s] = x[s]! * scale + shift;
}

/** gx[o..o+S) = a·g + b·(x − m) + k (the input gradient's closed form in training mode). */
export function inputGradRun(g: FloatArray, x: FloatArray, gx: FloatArray, o: number, S: number, m: number, a: number, b: number, k: number): void {
  for (let s = o; s < o + S; s++) gx[s] = a * g[s]! + b * (x[s]! - m) + k;
}

/** gx[o..o+S) = a·g (eval mode: the statistics are constants). */
export function scaleRun(g: FloatArray, gx: FloatArray, o: number, S: number, a: number): void {
  for (let s = o; s < o + S; s++) gx[s] = a * g[s]!;
}
