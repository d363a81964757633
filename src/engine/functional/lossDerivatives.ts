import type { Tensor } from "../tensor";
import { add, mul, neg, div, sub, where } from "../ops/binary";
import { abs, exp, log, log1p, relu, sigmoid, sign } from "../ops/unary";
import { clampMin } from "../ops/reduceExtra";
import { compare } from "../ops/compare";

// The pointwise losses' elementwise derivatives ∂loss/∂input and ∂loss/∂target as differentiable ops:
// the backward uses them under createGraph (gradient penalties, MAML), so PyTorch's second derivatives
// come out. The first-order backward keeps its fused loops (loss.ts); both follow the same formulas.

export type LossDerivative = (input: Tensor, target: Tensor) => { dx: Tensor; dy: Tensor };

const opposite = (dx: Tensor) => ({ dx, dy: neg(dx) });

/** log clamped at −100, as PyTorch's binary_cross_entropy */
const clampedLog = (t: Tensor) => clampMin(log(t), -100);

/** log(1 + e^(−x)), stable */
const softplusNeg = (x: Tensor) => add(relu(neg(x)), log1p(exp(neg(abs(x)))));

export const lossDerivatives = {
  mse: ((x, y) => opposite(mul(sub(x, y), 2))) as LossDerivative,
  l1: ((x, y) => opposite(sign(sub(x, y)))) as LossDerivative,
  smoothL1: (beta: number): LossDerivative => (x, y) => {
    const diff = sub(x, y);
    // beta = 0 is l1 (and diff / 0 must not reach the selected branch's gradient)
    if (beta === 0) return opposite(sign(diff));
    return opposite(where(compare(abs(diff), beta, "lt"), div(diff, beta), sign(diff)));
  },
  bce: (weight: Tensor | null): LossDerivative => (x, y) => {
    const oneMinusX = add(neg(x), 1);
    let dx = div(sub(x, y), clampMin(mul(oneMinusX, x), 1e-12));
    let dy = neg(sub(clampedLog(x), clampedLog(oneMinusX)));
    if (weight !== null) {
      dx = mul(dx, weight);
      dy = mul(dy, weight);
    }
    return { dx, dy };
  },
  bceWithLogits: (weight: Tensor | null, posWeight: Tensor | null): LossDerivative => (x, y) => {
    // loss = w·((1 − y)·x + (1 + (pw − 1)·y)·softplus(−x))
    const oneMinusY = add(neg(y), 1);
    const lw = posWeight !== null ? add(mul(y, sub(posWeight, 1)), 1) : null;
    const oneMinusSig = add(neg(sigmoid(x)), 1);
    let dx = sub(oneMinusY, lw !== null ? mul(lw, oneMinusSig) : oneMinusSig);
    let dy = neg(x);
    if (posWeight !== null) dy = add(dy, mul(sub(posWeight, 1), softplusNeg(x)));
    if (weight !== null) {
      dx = mul(dx, weight);
      dy = mul(dy, weight);
    }
    return { dx, dy };
  },
};
