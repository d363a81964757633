import type { Tensor } from "../tensor";
import { add, mul, where } from "../ops/binary";
import { softmax } from "../ops/softmax";
import { matmul } from "../ops/matmul";
import { transpose } from "../ops/shapeOps";
import { tril } from "../ops/shapeExtra";
import { ones } from "../creation";
import { checkOptions } from "../options";
import { dropout } from "./activation";

export interface SdpaOptions { attnMask?: Tensor | null; dropoutP?: number; isCausal?: boolean; scale?: number | null }

/** F.scaled_dot_product_attention: softmax(q·kᵀ·scale + mask)·v; a bool mask keeps where true. */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: SdpaOptions = {}): Tensor {
  const o = checkOptions("scaled_dot_product_attention", options, { attnMask: "Tensor?", dropoutP: "float", isCausal: "bool", scale: "float?" });
  const L = q.shape[q.dim() - 2], S = k.shape[k.dim() - 2], E = q.shape[q.dim() - 1];
  const scale = o.scale ?? 1 / Math.sqrt(E);
  let scores = mul(matmul(q, transpose(k, -2, -1)), scale);
  if (o.isCausal) scores = where(tril(ones([L, S], { dtype: "bool" })), scores, -Infinity);
  const mask = o.attnMask ?? null;
  if (mask !== null) scores = mask.dtype === "bool" ? where(mask, scores, -Infinity) : add(scores, mask);
  let weights = softmax(scores, -1);
  if ((o.dropoutP ?? 0) > 0) weights = dropout(weights, o.dropoutP, true);
  return matmul(weights, v);
}
