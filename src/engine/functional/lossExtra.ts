import type { Tensor } from "../tensor";
import { add, sub, mul, div, neg, where } from "../ops/binary";
import { abs, clamp, exp, log, relu, log1p } from "../ops/unary";
import { compare } from "../ops/compare";
import { gather } from "../ops/indexing";
import { checkOptions } from "../options";
import { checkReduction, type Reduction } from "./raw";
import { pairwiseDistance } from "./distance";
import { xlogy } from "../ops/mathExtra";
import { arange } from "../creation";

// Losses beyond the core set, composed of ops: the formulas are PyTorch's (ATen's loss.cpp).

function reduce(loss: Tensor, reduction: Reduction | undefined): Tensor {
  const r = checkReduction(reduction ?? "mean");
  return r === "none" ? loss : r === "sum" ? loss.sum() : loss.mean();
}

export interface HuberOptions { reduction?: Reduction; delta?: number }
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  const { delta = 1, reduction } = checkOptions("huber_loss", options, { reduction: "str", delta: "float" });
  const d = abs(sub(input, target));
  const loss = where(compare(d, delta, "lt"), mul(mul(d, d), 0.5), mul(sub(d, 0.5 * delta), delta));
  return reduce(loss, reduction);
}

export interface KlDivOptions { reduction?: Reduction | "batchmean"; logTarget?: boolean }
/** F.kl_div(input = log q, target = p): p·(log p − log q); "batchmean" divides the sum by the batch size. */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const { reduction = "mean", logTarget = false } = checkOptions("kl_div", options, { reduction: "str", logTarget: "bool" });
  const loss = logTarget ? mul(exp(target), sub(target, input)) : sub(xlogy(target, target), mul(target, input));
  if (reduction === "batchmean") return div(loss.sum(), input.dim() === 0 ? 1 : input.shape[0]);
  return reduce(loss, reduction);
}

export interface MarginOptions { margin?: number; reduction?: Reduction }
export function marginRankingLoss(x1: Tensor, x2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const { margin = 0, reduction } = checkOptions("margin_ranking_loss", options, { margin: "float", reduction: "str" });
  return reduce(relu(add(mul(neg(target), sub(x1, x2)), margin)), reduction);
}
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const { margin = 1, reduction } = checkOptions("hinge_embedding_loss", options, { margin: "float", reduction: "str" });
  const pos = where(compare(target, 1, "eq"), input, 0);
  const neg_ = where(compare(target, -1, "eq"), relu(neg(sub(input, margin))), 0);
  return reduce(add(pos, neg_), reduction);
}
export function softMarginLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  const { reduction } = checkOptions("soft_margin_loss", options, { reduction: "str" });
  return reduce(log1p(exp(mul(neg(target), input))), reduction);
}

export interface TripletOptions { margin?: number; p?: number; eps?: number; swap?: boolean; reduction?: Reduction }
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options: TripletOptions = {}): Tensor {
  const { margin = 1, p = 2, eps = 1e-6, swap = false, reduction } = checkOptions("triplet_margin_loss", options, {
    margin: "float", p: "float", eps: "float", swap: "bool", reduction: "str",
  });
  const dPos = pairwiseDistance(anchor, positive, { p, eps });
  let dNeg = pairwiseDistance(anchor, negative, { p, eps });
  if (swap) dNeg = where(compare(dNeg, pairwiseDistance(positive, negative, { p, eps }), "lt"), dNeg, pairwiseDistance(positive, negative, { p, eps }));
  return reduce(clamp(add(sub(dPos, dNeg), margin), 0, null), reduction);
}
export function cosineEmbeddingLoss(x1: Tensor, x2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const { margin = 0, reduction } = checkOptions("cosine_embedding_loss", options, { margin: "float", reduction: "str" });
  // ATen: cos = Σx1x2 / sqrt((Σx1² + ε)(Σx2² + ε)), ε = 1e-12
  const EPS = 1e-12;
  const prod = mul(x1, x2).sum(-1);
  const m1 = add(mul(x1, x1).sum(-1), EPS), m2 = add(mul(x2, x2).sum(-1), EPS);
  const cos = div(prod, mul(m1, m2).sqrt());
  const pos = where(compare(target, 1, "eq"), neg(sub(cos, 1)), 0);
  const negPart = where(compare(target, -1, "eq"), clamp(sub(cos, margin), 0, null), 0);
  return reduce(add(pos, negPart), reduction);
}

export interface PoissonOptions { logInput?: boolean; full?: boolean; eps?: number; reduction?: Reduction }
export function poissonNllLoss(input: Tensor, target: Tensor, options: PoissonOptions = {}): Tensor {
  const { logInput = true, full = false, eps = 1e-8, reduction } = checkOptions("poisson_nll_loss", options, {
    logInput: "bool", full: "bool", eps: "float", reduction: "str",
  });
  let loss = logInput ? sub(exp(input), mul(target, input)) : sub(input, mul(target, log(add(input, eps))));
  if (full) {
    // Stirling term t·log t − t + ½·log(2πt), only where t > 1
    const t = target;
    const stirling = add(sub(xlogy(t, t), t), mul(log(mul(clamp(t, 1, null), 2 * Math.PI)), 0.5));
    loss = add(loss, where(compare(t, 1, "gt"), stirling, 0));
  }
  return reduce(loss, reduction);
}

export interface GaussianNllOptions { full?: boolean; eps?: number; reduction?: Reduction }
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, options: GaussianNllOptions = {}): Tensor {
  const { full = false, eps = 1e-6, reduction } = checkOptions("gaussian_nll_loss", options, { full: "bool", eps: "float", reduction: "str" });
  const v = variance.dim() === input.dim() - 1 ? variance.unsqueeze(-1) : variance;
  const varC = clamp(v, eps, null);
  const diff = sub(input, target);
  let loss = mul(add(log(varC), div(mul(diff, diff), varC)), 0.5);
  if (full) loss = add(loss, 0.5 * Math.log(2 * Math.PI));
  return reduce(loss, reduction);
}

export interface MultiMarginOptions { p?: 1 | 2; margin?: number; weight?: Tensor | null; reduction?: Reduction }
export function multiMarginLoss(input: Tensor, target: Tensor, options: MultiMarginOptions = {}): Tensor {
  const { p = 1, margin = 1, weight = null, reduction } = checkOptions("multi_margin_loss", options, {
    p: "int", margin: "float", weight: "Tensor?", reduction: "str",
  });
  const x = input.dim() === 1 ? input.unsqueeze(0) : input;
  const t = target.dim() === 0 ? target.unsqueeze(0) : target;
  const C = x.shape[1];
  const xy = gather(x, 1, t.unsqueeze(1));
  let z = clamp(add(sub(x, xy), margin), 0, null);
  if (p === 2) z = mul(z, z);
  if (weight !== null) z = mul(z, gather(weight.unsqueeze(0).expand([x.shape[0], C]).contiguous(), 1, t.unsqueeze(1)));
  // the target's own term (margin) is excluded
  const notTarget = compare(t.unsqueeze(1), arange(C), "ne");
  const loss = div(where(notTarget, z, 0).sum(1), C);
  return reduce(input.dim() === 1 ? loss.squeeze(0) : loss, reduction);
}
