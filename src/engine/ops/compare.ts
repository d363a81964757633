import { Tensor } from "../tensor";
import { recordNonDifferentiable } from "../autograd/record";
import { zipBinary } from "./elementwise";
import { makeTensor } from "./kernel";

// Comparisons give bool tensors and no gradient, as in PyTorch.

export type Comparison = "eq" | "ne" | "gt" | "lt" | "ge" | "le";

const tests: Record<Comparison, (a: number, b: number) => number> = {
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
};

export function compare(a: Tensor, b: Tensor | number, kind: Comparison): Tensor {
  const bt = b instanceof Tensor ? b : makeTensor(new Float64Array([b]), [], "float64");
  const out = zipBinary(a, bt, tests[kind], "bool", kind);
  recordNonDifferentiable(kind, b instanceof Tensor ? [a, b] : [a], [out]);
  return out;
}
