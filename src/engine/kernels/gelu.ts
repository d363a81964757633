/**
 * Exact (erf) GELU and its gradient on float32 arrays. float32 tensors run in the wasm kernels
 * (wasm/assembly/gelu.ts: the same formulas, two lanes at a time in float64), copied in and out:
 * a transformer's feed-forward GELU was a tenth of its check, mostly this loop in JavaScript before
 * V8 had optimized it. The JS kernel set, short arrays and realms without wasm run the plain loops
 * below (not the generic elementwise map: it calls a closure per element, which V8 cannot inline
 * there and whose every result it boxes). Same formulas as ops/unary.ts with the float32-accurate erf.
 */
import { erfF32 } from "./erf";
import { getWasmMinWork, wasmScratch } from "./matmul";

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Below this many elements the copies' fixed cost outweighs the vector loop (all in wasm when the matmul threshold is 0, as in the tests). */
const WASM_MIN_ELEMENTS = 64;

/**
 * Elements per wasm call, copied in and out chunk by chunk (the scratch memory stays small). V8 runs
 * a wasm function in its baseline tier until the function has used its tiering budget, and only
 * later calls get the optimized code: one call over a whole activation would run baseline code
 * throughout (a transformer calls GELU only a few times per step).
 */
const CHUNK = 8192;

/** Bytes of one region for n elements: at most a chunk, in whole vectors (the kernels have no tail loop). */
const regionBytes = (n: number): number => ((Math.min(n, CHUNK) + 3) >> 2) << 4;

/** null: use the JavaScript loop (the JS kernel set, short arrays, no wasm) */
function scratch(n: number, regions: number) {
  if (n < (getWasmMinWork() === 0 ? 1 : WASM_MIN_ELEMENTS)) return null;
  return wasmScratch(regions * regionBytes(n));
}

/** out[i] = x·Φ(x) = ½·x·(1 + erf(x/√2)) */
export function geluF32(x: Float32Array, out: Float32Array): void {
  const n = out.length;
  const s = scratch(n, 2);
  if (s === null) return geluRefF32(x, out);
  const xp = s.base, op = xp + regionBytes(n);
  for (let i = 0; i < n; i += CHUNK) {
    const len = Math.min(CHUNK, n - i);
    s.f32.set(x.subarray(i, i + len), xp >> 2);
    s.ex.geluF32(xp, op, len);
    out.set(s.f32.subarray(op >> 2, (op >> 2) + len), i);
  }
}

/** out[i] = g[i] · gelu'(x[i]), gelu'(v) = Φ(v) + v·φ(v) */
export function geluBackwardF32(g: Float32Array, x: Float32Array, out: Float32Array): void {
  const n = out.length;
  const s = scratch(n, 3);
  if (s === null) return geluBackwardRefF32(g, x, out);
  const r = regionBytes(n);
  const gp = s.base, xp = gp + r, op = xp + r;
  for (let i = 0; i < n; i += CHUNK) {
    const len = Math.min(CHUNK, n - i);
    s.f32.set(g.subarray(i, i + len), gp >> 2);
    s.f32.set(x.subarray(i, i + len), xp >> 2);
    s.ex.geluBackwardF32(gp, xp, op, len);
    out.set(s.f32.subarray(op >> 2, (op >> 2) + len), i);
  }
}

/** The JavaScript loop of geluF32. */
export function geluRefF32(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = 0.5 * v * (1 + erfF32(v * SQRT1_2));
  }
}

/** The JavaScript loop of geluBackwardF32. */
export function geluBackwardRefF32(g: Float32Array, x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = g[i]! * (0.5 * (1 + erfF32(v * SQRT1_2)) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI);
  }
}
