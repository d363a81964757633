/**
 * batch_norm's per-channel reductions over [N, C, S] (channel c's values are N runs of S, C·S
 * apart), in float64 as PyTorch's CPU kernel accumulates float32. Four partial sums: one running
 * sum is a chain of dependent additions, which made these loops several times slower than memory.
 */
import type { FloatArray } from "./matmulRef";

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
