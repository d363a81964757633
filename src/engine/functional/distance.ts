import type { Tensor } from "../tensor";
import { add, sub, mul, div } from "../ops/binary";
import { clamp, sqrt } from "../ops/unary";
import { norm } from "../ops/reduceExtra";
import { checkOptions } from "../options";

// Distances and normalisation of torch.nn.functional, as ATen composes them.

/** F.normalize: x / max(‖x‖_p, eps) along dim. */
export function normalize(x: Tensor, options: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = checkOptions("normalize", options, { p: "float", dim: "int", eps: "float" });
  return div(x, clamp(norm(x, p, dim, true), eps, null).expand(x.shape));
}

/** F.cosine_similarity: Σx1x2 / sqrt(max(‖x1‖²·‖x2‖², eps²)) along dim (PyTorch 1.13+/2.x formula). */
export function cosineSimilarity(x1: Tensor, x2: Tensor, options: { dim?: number; eps?: number } = {}): Tensor {
  const { dim = 1, eps = 1e-8 } = checkOptions("cosine_similarity", options, { dim: "int", eps: "float" });
  const w12 = mul(x1, x2).sum(dim);
  const w1 = mul(x1, x1).sum(dim), w2 = mul(x2, x2).sum(dim);
  const n12 = sqrt(clamp(mul(w1, w2), eps * eps, null));
  return div(w12, n12);
}

/** F.pairwise_distance: ‖x1 − x2 + eps‖_p over the last dim. */
export function pairwiseDistance(x1: Tensor, x2: Tensor, options: { p?: number; eps?: number; keepdim?: boolean } = {}): Tensor {
  const { p = 2, eps = 1e-6, keepdim = false } = checkOptions("pairwise_distance", options, { p: "float", eps: "float", keepdim: "bool" });
  const d = add(sub(x1, x2), eps);
  return norm(d, p, -1, keepdim);
}
