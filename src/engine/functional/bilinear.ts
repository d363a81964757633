import type { Tensor } from "../tensor";
import { add } from "../ops/binary";
import { einsum } from "../ops/reduceExtra";
import { embedding } from "./embedding";
import { stack } from "../ops/indexing";
import { narrow } from "../ops/shapeOps";

/** F.bilinear: y = x1ᵀ·W·x2 + b, W [out, in1, in2]. */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const y = einsum("bi,oij,bj->bo", x1.reshape([-1, x1.shape[x1.dim() - 1]]), weight, x2.reshape([-1, x2.shape[x2.dim() - 1]]));
  const out = y.reshape([...x1.shape.slice(0, -1), weight.shape[0]]);
  return bias === null ? out : add(out, bias);
}

export interface EmbeddingBagOptions { offsets?: Tensor | null; mode?: "sum" | "mean" | "max"; perSampleWeights?: Tensor | null; paddingIdx?: number | null }

/** F.embedding_bag: sums, means or maxima of embedding rows per bag (2-D input, or 1-D input with offsets). */
export function embeddingBag(input: Tensor, weight: Tensor, options: EmbeddingBagOptions = {}): Tensor {
  const { offsets = null, mode = "mean", perSampleWeights = null } = options;
  const rows = embedding(input.reshape([-1]), weight);
  const weighted = perSampleWeights === null ? rows : rows.mul(perSampleWeights.reshape([-1, 1]));
  const n = input.numel();
  const starts = input.dim() === 2 ? Array.from({ length: input.shape[0] }, (_, i) => i * input.shape[1]) : Array.from(offsets!.dataSync());
  const bags = starts.map((s, b) => {
    const e = b + 1 < starts.length ? starts[b + 1] : n;
    if (e === s) return weighted.narrow(0, 0, 0).sum(0);
    const part = narrow(weighted, 0, s, e - s);
    return mode === "sum" ? part.sum(0) : mode === "mean" ? part.mean(0) : part.amax(0);
  });
  return stack(bags, 0);
}
