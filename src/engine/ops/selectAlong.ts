import type { Tensor } from "../tensor";
import { allocate } from "../dtype";
import { normalizeDim } from "../shape";
import { record } from "../autograd/record";
import { makeTensor, contiguousData } from "./kernel";
import { scatterAdd } from "./indexing";
import { unsqueeze } from "./shapeOps";
import { registerOp } from "./registry";

// The values of sort, topk, kthvalue, median, mode and cummax: x picked at `index` along a dim (a
// gather), recorded as one node with PyTorch's grad_fn name (SortBackward0, TopkBackward0, …) as a
// user sees it in `values.gradFn`. Backward scatters the gradient back (differentiable: scatterAdd).

const SELECTIONS = {
  sort: "SortBackward0", topk: "TopkBackward0", kthvalue: "KthvalueBackward0", median: "MedianBackward1",
  medianAll: "MedianBackward0", mode: "ModeBackward0", cummax: "CummaxBackward0",
} as const;
export type Selection = keyof typeof SELECTIONS;
for (const [name, gradFn] of Object.entries(SELECTIONS)) registerOp({ name, gradFns: [gradFn] });

/** x at `index` (same rank as x) along dim d; with keepdim false, dim d (of size 1) is dropped. */
export function selectAlong(op: Selection, x: Tensor, d: number, index: Tensor, keepdim = true): Tensor {
  const dim = normalizeDim(d, x.dim());
  const values = rawGather(x, dim, index);
  const out = keepdim ? values : makeTensor(values.storage.data, index.shape.filter((_, i) => i !== dim), x.dtype);
  const shape = [...x.shape];
  return record(op, SELECTIONS[op], [x], out, (g, node) => [
    scatterAdd(makeTensor(allocate(g.dtype, x.numel()), shape, g.dtype), dim, node.saved(0), keepdim ? g : unsqueeze(g, dim)),
  ], { saved: [index] });
}

/** gather's values with no graph and no observer event (the caller records the node). */
function rawGather(x: Tensor, d: number, index: Tensor): Tensor {
  const src = contiguousData(x), idx = contiguousData(index);
  const shape = index.shape, nd = shape.length;
  const strides = x.shape.map((_, i) => x.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = allocate(x.dtype, idx.length);
  const coord = new Array<number>(nd).fill(0);
  for (let n = 0; n < idx.length; n++) {
    let pos = 0;
    for (let k = 0; k < nd; k++) pos += (k === d ? Number(idx[n]) : coord[k]) * strides[k];
    out[n] = src[pos];
    for (let k = nd - 1; k >= 0; k--) {
      if (++coord[k] < shape[k]) break;
      coord[k] = 0;
    }
  }
  return makeTensor(out, shape, x.dtype);
}
