import type { Tensor } from "../tensor";
import { add, mul, neg, sub } from "./binary";
import { exp, tanh } from "./unary";
import { erf } from "./mathExtra";

// gelu′ and gelu″ as differentiable ops, for gelu_backward's own backward under createGraph: the
// third derivative of gelu (PyTorch's gelu_double_backward is composite, so it differentiates on).

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const C = 0.044715;

/** φ(x), the standard normal density */
const pdf = (x: Tensor) => mul(exp(mul(mul(x, x), -0.5)), INV_SQRT_2PI);

export function geluDerivativeTensors(x: Tensor, approximate: "none" | "tanh"): { d1: Tensor; d2: Tensor } {
  const x2 = mul(x, x);
  if (approximate === "none") {
    const phi = pdf(x);
    return {
      d1: add(mul(add(erf(mul(x, SQRT1_2)), 1), 0.5), mul(x, phi)),
      d2: mul(phi, add(neg(x2), 2)),
    };
  }
  const t = tanh(mul(add(x, mul(mul(x2, x), C)), SQRT_2_OVER_PI));
  const sech2 = add(neg(mul(t, t)), 1);
  const du = mul(add(mul(x2, 3 * C), 1), SQRT_2_OVER_PI);
  const ddu = mul(x, SQRT_2_OVER_PI * 6 * C);
  return {
    d1: add(mul(add(t, 1), 0.5), mul(mul(mul(x, sech2), du), 0.5)),
    d2: add(mul(sech2, du), mul(mul(mul(x, sech2), sub(ddu, mul(mul(t, 2), mul(du, du)))), 0.5)),
  };
}
