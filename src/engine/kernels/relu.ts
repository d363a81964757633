/**
 * ReLU and its gradient on float32 arrays. With wasm they run in its f32x4 kernels
 * (wasm/assembly/relu.ts), copied in and out chunk by chunk: the JavaScript loops below took ~1.5 ns
 * an element (a tenth of the MLP step's non-GEMM time), the copies and vector loop a fraction of it.
 * The JS kernel set, short arrays and realms without wasm run the loops. Both work on the float32
 * bit patterns without branches: a branch on the sign of random data mispredicts on half the
 * elements (measured ~8× slower).
 */
import { map2F32, mapF32 } from "./chunkedWasm";

/** Below this many elements the copies' fixed cost outweighs the vector loop (all in wasm when the matmul threshold is 0, as in the tests). */
const WASM_MIN_ELEMENTS = 256;

const int32View = (a: Float32Array) => new Int32Array(a.buffer, a.byteOffset, a.length);

/** out = max(x, 0) with NaN kept (PyTorch's clamp_min). */
export function reluF32(x: Float32Array, out: Float32Array): void {
  if (!mapF32(x, out, WASM_MIN_ELEMENTS, (ex, xp, op, n) => ex.reluF32(xp, op, n))) reluRefF32(x, out);
}

/** out = g where y > 0 or y is NaN, else 0 (PyTorch's threshold_backward). */
export function reluBackwardF32(g: Float32Array, y: Float32Array, out: Float32Array): void {
  if (!map2F32(g, y, out, WASM_MIN_ELEMENTS, (ex, gp, yp, op, n) => ex.reluBackwardF32(gp, yp, op, n))) reluBackwardRefF32(g, y, out);
}

/** The JavaScript loop of reluF32. */
export function reluRefF32(x: Float32Array, out: Float32Array): void {
  const s = int32View(x), o = int32View(out);
  for (let i = 0; i < o.length; i++) {
    const u = s[i]!;
    // keep the bits when the sign is clear or the value is NaN (magnitude above infinity's pattern)
    o[i] = u & (~(u >> 31) | ((0x7f800000 - (u & 0x7fffffff)) >> 31));
  }
}

/** The JavaScript loop of reluBackwardF32. */
export function reluBackwardRefF32(g: Float32Array, y: Float32Array, out: Float32Array): void {
  const gi = int32View(g), yi = int32View(y), ri = int32View(out);
  for (let i = 0; i < ri.length; i++) {
    const u = yi[i]!;
    // all ones when u > 0 as an integer (a positive float) or u is a NaN pattern, else 0
    const pass = (((0 - u) >> 31) & ~(u >> 31)) | ((0x7f800000 - (u & 0x7fffffff)) >> 31);
    ri[i] = gi[i]! & pass;
  }
}
