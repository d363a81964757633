import type { Tensor } from "../tensor";
import { shapesEqual } from "../shape";
import { sum } from "./reduce";
import { reshape } from "./shapeOps";

/** Sums a gradient back to the shape of an input that was broadcast (tfjs's getReductionAxes idea). */
export function unbroadcast(grad: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  const lead = grad.shape.length - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < grad.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) dims.push(i);
  }
  const summed = dims.length > 0 ? sum(grad, dims, true) : grad;
  return reshape(summed, [...shape]);
}
