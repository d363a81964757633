/**
 * Exact (erf) GELU and its gradient on float32 arrays, one plain loop each: the generic elementwise
 * map calls a closure per element, which V8 cannot inline there and whose every result it boxes
 * (a transformer's feed-forward activations made that a visible share of a step, mostly GC).
 * Same formulas as ops/unary.ts with the float32-accurate erf.
 */
import { erfF32 } from "./erf";

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** out[i] = x·Φ(x) = ½·x·(1 + erf(x/√2)) */
export function geluF32(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = 0.5 * v * (1 + erfF32(v * SQRT1_2));
  }
}

/** out[i] = g[i] · gelu'(x[i]), gelu'(v) = Φ(v) + v·φ(v) */
export function geluBackwardF32(g: Float32Array, x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = g[i]! * (0.5 * (1 + erfF32(v * SQRT1_2)) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI);
  }
}
