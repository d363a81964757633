/**
 * Exact (erf) GELU and its gradient on float32 arrays. float32 tensors run in the wasm kernels
 * (wasm/assembly/gelu.ts: the same formulas, two lanes at a time in float64), copied in and out:
 * a transformer's feed-forward GELU was a tenth of its check, mostly this loop in JavaScript before
 * V8 had optimized it. The JS kernel set, short arrays and realms without wasm run the plain loops
 * below (not the generic elementwise map: it calls a closure per element, which V8 cannot inline
 * there and whose every result it boxes). Same formulas as ops/unary.ts with the float32-accurate erf.
 */
import { erfF32 } from "./erf";
import { map2F32, mapF32 } from "./chunkedWasm";

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Below this many elements the copies' fixed cost outweighs the vector loop (all in wasm when the matmul threshold is 0, as in the tests). */
const WASM_MIN_ELEMENTS = 64;

/** out[i] = x·Φ(x) = ½·x·(1 + erf(x/√2)) */
export function geluF32(x: Float32Array, out: Float32Array): void {
  if (!mapF32(x, out, WASM_MIN_ELEMENTS, (ex, xp, op, n) => ex.geluF32(xp, op, n))) geluRefF32(x, out);
}

/** out[i] = g[i] · gelu'(x[i]), gelu'(v) = Φ(v) + v·φ(v) */
export function geluBackwardF32(g: Float32Array, x: Float32Array, out: Float32Array): void {
  if (!map2F32(g, x, out, WASM_MIN_ELEMENTS, (ex, gp, xp, op, n) => ex.geluBackwardF32(gp, xp, op, n))) geluBackwardRefF32(g, x, out);
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
