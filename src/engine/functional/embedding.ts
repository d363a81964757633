import type { Tensor } from "../tensor";
import { allocate } from "../dtype";
import { record } from "../autograd/record";
import { registerOp } from "../ops/registry";
import { contiguousData, makeTensor } from "../ops/kernel";
import { isGradEnabled } from "../gradMode";
import { indexAdd } from "../ops/indexExtra";
import { mul } from "../ops/binary";
import { reshape } from "../ops/shapeOps";

registerOp({ name: "embedding", gradFns: ["EmbeddingBackward0"] });
/** torch.nn.functional.embedding: rows of `weight` picked by integer `input`; paddingIdx's row gets no gradient. */
export function embedding(input: Tensor, weight: Tensor, paddingIdx: number | null = null): Tensor {
  if (input.dtype !== "int64") {
    throw new Error(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${input.dtype} instead (while checking arguments for embedding)`);
  }
  if (weight.dim() !== 2) throw new Error("'weight' must be 2-D");
  const [V, D] = weight.shape;
  const pad = paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + V : paddingIdx;
  const idx = contiguousData(input);
  for (const i of idx) if (i < 0 || i >= V) throw new Error("index out of range in self");
  const w = contiguousData(weight);
  const out = allocate(weight.dtype, idx.length * D);
  for (let k = 0; k < idx.length; k++) {
    const from = idx[k] * D, to = k * D;
    for (let j = 0; j < D; j++) out[to + j] = w[from + j];
  }
  return record("embedding", "EmbeddingBackward0", [weight], makeTensor(out, [...input.shape, D], weight.dtype), (grad, node) => {
    const ix = contiguousData(node.saved(0));
    if (isGradEnabled()) return [embeddingGradComposed(grad, ix, pad, V, D)];
    const gd = contiguousData(grad);
    const gw = allocate(grad.dtype, V * D);
    for (let k = 0; k < ix.length; k++) {
      if (ix[k] === pad) continue;
      const to = ix[k] * D, from = k * D;
      for (let j = 0; j < D; j++) gw[to + j] += gd[from + j];
    }
    return [makeTensor(gw, [V, D], grad.dtype)];
  }, { saved: [input] });
}

/** Under createGraph: the rows of grad added into zeros at their indices (index_add, differentiable in grad). */
function embeddingGradComposed(grad: Tensor, ix: ArrayLike<number>, pad: number | null, V: number, D: number): Tensor {
  let rows = reshape(grad, [ix.length, D]);
  if (pad !== null) {
    const keep = allocate(grad.dtype, ix.length);
    for (let k = 0; k < ix.length; k++) keep[k] = ix[k] === pad ? 0 : 1;
    rows = mul(rows, makeTensor(keep, [ix.length, 1], grad.dtype));
  }
  const index = makeTensor(Float64Array.from(ix), [ix.length], "int64");
  return indexAdd(makeTensor(allocate(grad.dtype, V * D), [V, D], grad.dtype), 0, index, rows);
}
