/**
 * ReLU and its gradient on float32 arrays. With wasm they run in its f32x4 kernels
 * (wasm/assembly/relu.ts), copied in and out chunk by chunk: the JavaScript loops below took ~1.5 ns
 * an element (a tenth of the MLP step's non-GEMM time), the copies and vector loop a fraction of it.
 * The JS kernel set, short arrays and realms without wasm run the loops. Both work on the float32
 * bit patterns without branches: a branch on the sign of random data mispredicts on half the
 * elements (measured ~8× slower).
 */
import { getWasmMinWork, wasmScratch } from "./matmul";

/** Below this many elements the copies' fixed cost outweighs the vector loop (all in wasm when the matmul threshold is 0, as in the tests). */
const WASM_MIN_ELEMENTS = 256;
/** Elements per wasm call: the scratch stays small, and V8 optimizes a wasm function only for later calls (see kernels/gelu.ts). */
const CHUNK = 8192;

const regionBytes = (n: number): number => ((Math.min(n, CHUNK) + 3) >> 2) << 4;

function scratch(n: number, regions: number) {
  if (n < (getWasmMinWork() === 0 ? 1 : WASM_MIN_ELEMENTS)) return null;
  return wasmScratch(regions * regionBytes(n));
}

const int32View = (a: Float32Array) => new Int32Array(a.buffer, a.byteOffset, a.length);

/** out = max(x, 0) with NaN kept (PyTorch's clamp_min). */
export function reluF32(x: Float32Array, out: Float32Array): void {
  const n = out.length;
  const s = scratch(n, 2);
  if (s === null) return reluRefF32(x, out);
  const xp = s.base, op = xp + regionBytes(n);
  for (let i = 0; i < n; i += CHUNK) {
    const len = Math.min(CHUNK, n - i);
    s.f32.set(x.subarray(i, i + len), xp >> 2);
    s.ex.reluF32(xp, op, len);
    out.set(s.f32.subarray(op >> 2, (op >> 2) + len), i);
  }
}

/** out = g where y > 0 or y is NaN, else 0 (PyTorch's threshold_backward). */
export function reluBackwardF32(g: Float32Array, y: Float32Array, out: Float32Array): void {
  const n = out.length;
  const s = scratch(n, 3);
  if (s === null) return reluBackwardRefF32(g, y, out);
  const r = regionBytes(n);
  const gp = s.base, yp = gp + r, op = yp + r;
  for (let i = 0; i < n; i += CHUNK) {
    const len = Math.min(CHUNK, n - i);
    s.f32.set(g.subarray(i, i + len), gp >> 2);
    s.f32.set(y.subarray(i, i + len), yp >> 2);
    s.ex.reluBackwardF32(gp, yp, op, len);
    out.set(s.f32.subarray(op >> 2, (op >> 2) + len), i);
  }
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
