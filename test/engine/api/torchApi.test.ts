import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Tensor, tensor, F, nn, autograd, einsum, cdist, type DType, type IndexItem } from "gradlens";
import { expectClose } from "../../helpers/expectClose";

// The wider PyTorch API (issue 15) against test/fixtures/torch/api.json, written by
// scripts/make_api_fixtures.py from torch: outputs, then the gradients of Σ output·upstream for
// every input (and, for modules, every parameter, by PyTorch's parameter names).

interface FT { shape: number[]; dtype: DType; data: Array<number | boolean> }
interface Case {
  name: string; kwargs: Record<string, any>; inputs: FT[]; outputs: FT[]; upstreams: Array<FT | null>;
  grads: Array<FT | null>; gradFns?: Array<string | null>; state?: Record<string, FT>; paramGrads?: Record<string, FT | null>;
}
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL("../../fixtures/torch/api.json", import.meta.url)), "utf8")) as { cases: Case[] };

function toTensor(t: FT): Tensor {
  return tensor(t.data.map(Number), { dtype: "float64" }).reshape(t.shape).to(t.dtype);
}
const TOL = { rtol: 1e-6, atol: 1e-9 };
const long = (v: number[] | number[][]) => tensor(v, { dtype: "int64" });
const mask = tensor([[true, false, true], [false, true, true]]);
const ix = long([2, 0, 2]);
const f64 = (v: number[]) => tensor(v, { dtype: "float64" });
type Out = Tensor | Tensor[] | { values: Tensor; indices: Tensor };

/** How each fixture case is written with GradLens. */
const table: Record<string, (x: Tensor[], k: Record<string, any>) => Out> = {
  asin: ([a]) => a.asin(), acos: ([a]) => a.acos(), atan: ([a]) => a.atan(), erf: ([a]) => a.erf(), expm1: ([a]) => a.expm1(),
  sinh: ([a]) => a.sinh(), cosh: ([a]) => a.cosh(), tan: ([a]) => a.tan(), log2: ([a]) => a.log2(), log10: ([a]) => a.log10(),
  exp2: ([a]) => a.exp2(), frac: ([a]) => a.frac(), reciprocal: ([a]) => a.reciprocal(), floor: ([a]) => a.floor(),
  ceil: ([a]) => a.ceil(), trunc: ([a]) => a.trunc(), round: ([a]) => a.round(), logit: ([a], k) => a.logit(k.eps),
  atan2: ([a, b]) => a.atan2(b), fmod: ([a], k) => a.fmod(k.other), remainder: ([a], k) => a.remainder(k.other),
  fmax: ([a, b]) => a.fmax(b), hypot: ([a, b]) => a.hypot(b), lerp: ([a, b], k) => a.lerp(b, k.weight),
  addcmul: ([x, a, b], k) => x.addcmul(a, b, { value: k.value }), addcdiv: ([x, a, b], k) => x.addcdiv(a, b, { value: k.value }),
  logaddexp: ([a, b]) => a.logaddexp(b), xlogy: ([a, b]) => a.xlogy(b), nanToNum: ([a], k) => a.nanToNum(k.nan, k.posinf),
  logsumexp: ([a], k) => a.logsumexp(k.dim), logsumexp_keepdim: ([a], k) => a.logsumexp(k.dim, true),
  cumsum: ([a], k) => a.cumsum(k.dim), cumprod: ([a], k) => a.cumprod(k.dim), prod: ([a]) => a.prod(),
  prod_dim: ([a], k) => a.prod(k.dim, true), norm: ([a]) => a.norm(), norm_p1_dim: ([a], k) => a.norm(k.p, k.dim),
  norm_p3: ([a], k) => a.norm(k.p, k.dim, true), sort: ([a], k) => a.sort(k.dim, k.descending), topk: ([a], k) => a.topk(k.k, k.dim),
  kthvalue: ([a], k) => a.kthvalue(k.k, k.dim), median: ([a], k) => a.median(k.dim), cummax: ([a], k) => a.cummax(k.dim),
  einsum_bmm: ([a, b], k) => einsum(k.eq, a, b), einsum_outer_sum: ([a, b], k) => einsum(k.eq, a, b), einsum_implicit: ([a, b], k) => einsum(k.eq, a, b),
  einsum_diag: (x, k) => einsum(k.eq, ...x), einsum_trace: (x, k) => einsum(k.eq, ...x), einsum_batch_diag: (x, k) => einsum(k.eq, ...x),
  einsum_repeat_contract: (x, k) => einsum(k.eq, ...x), einsum_ellipsis: (x, k) => einsum(k.eq, ...x),
  einsum_ellipsis_implicit: (x, k) => einsum(k.eq, x), einsum_ellipsis_middle: (x, k) => einsum(k.eq, ...x),
  det: ([a]) => a.det(), inverse: ([a]) => a.inverse(),
  flip: ([a], k) => a.flip(k.dims), roll: ([a], k) => a.roll(k.shifts, k.dims), roll_flat: ([a], k) => a.roll(k.shifts),
  repeat: ([a], k) => a.repeat(k.sizes), tile: ([a], k) => a.tile(k.reps), repeatInterleave: ([a], k) => a.repeatInterleave(k.repeats, k.dim),
  tril: ([a], k) => a.tril(k.diagonal), triu: ([a], k) => a.triu(k.diagonal), diagonal: ([a], k) => a.diagonal(k.offset, k.dim1, k.dim2),
  diag_vec: ([a], k) => a.diag(k.offset), trace: ([a]) => a.trace(), movedim: ([a], k) => a.movedim(k.source, k.destination),
  outer: ([a, b]) => a.outer(b), unfoldWindows: ([a], k) => a.unfold(k.dim, k.size, k.step),
  index_basic: ([a]) => a.index(1, "::2", null, "1:"), index_mask: ([a]) => a.index(mask), index_long: ([a]) => a.index(":", ix),
  index_two_long: ([a]) => a.index(ix, ":", [1, 0, 1]), index_ellipsis: ([a]) => a.index("...", 0),
  indexPut_mask: ([a, v]) => a.clone().indexPut_([mask] as IndexItem[], v),
  indexPut_acc: ([a, v]) => a.clone().indexPut_([ix], v, true),
  maskedSelect: ([a]) => a.maskedSelect(mask), scatter: ([a, s]) => a.scatter(1, long([[2, 0], [1, 2]]), s),
  scatter_value: ([a], k) => a.scatter(1, long([[2, 0], [1, 2]]), k.value), indexAdd: ([a, s], k) => a.indexAdd(0, ix, s, { alpha: k.alpha }),
  indexCopy: ([a, s]) => a.indexCopy(0, long([2, 0]), s), indexFill: ([a]) => a.indexFill(1, long([0, 2]), -1),
  maskedScatter: ([a, s]) => a.maskedScatter(mask, s), take: ([a]) => a.take(long([[0, 5], [3, 3]])),
  takeAlongDim: ([a]) => a.takeAlongDim(long([[2], [0]]), 1),
  elu: ([a]) => F.elu(a), selu: ([a]) => F.selu(a), celu: ([a]) => F.celu(a), silu: ([a]) => F.silu(a), mish: ([a]) => F.mish(a),
  softplus: ([a]) => F.softplus(a), softsign: ([a]) => F.softsign(a), logsigmoid: ([a]) => F.logsigmoid(a),
  hardswish: ([a]) => F.hardswish(a), hardsigmoid: ([a]) => F.hardsigmoid(a), relu6: ([a]) => F.relu6(a),
  hardtanh: ([a], k) => F.hardtanh(a, k.min, k.max), softplus_beta: ([a], k) => F.softplus(a, k.beta, k.threshold),
  softmin: ([a]) => F.softmin(a, 1), glu: ([a]) => F.glu(a, -1), prelu: ([a, w]) => F.prelu(a, w),
  normalize: ([a]) => F.normalize(a, { dim: 1 }), cosineSimilarity: ([a, b]) => F.cosineSimilarity(a, b, { dim: 1 }),
  pairwiseDistance: ([a, b]) => F.pairwiseDistance(a, b), cdist: ([a, b]) => cdist(a, b),
  huberLoss: ([a, b], k) => F.huberLoss(a, b, { delta: k.delta }), klDiv: ([a, b], k) => F.klDiv(a, b, { reduction: k.reduction }),
  marginRankingLoss: ([a, b]) => F.marginRankingLoss(a, b, f64([1, -1, 1]), { margin: 0.2 }),
  hingeEmbeddingLoss: ([a]) => F.hingeEmbeddingLoss(a, f64([1, -1, -1, 1])), softMarginLoss: ([a]) => F.softMarginLoss(a, f64([1, -1, -1, 1])),
  tripletMarginLoss: ([a, p, n]) => F.tripletMarginLoss(a, p, n, { margin: 2 }),
  cosineEmbeddingLoss: ([a, b]) => F.cosineEmbeddingLoss(a, b, f64([1, -1, 1]), { margin: 0.1 }),
  poissonNllLoss: ([a, t]) => F.poissonNllLoss(a, t, { full: true }), gaussianNllLoss: ([a, t, v]) => F.gaussianNllLoss(a, t, v),
  multiMarginLoss: ([a]) => F.multiMarginLoss(a, long([1, 0, 3])),
  groupNorm: ([x, w, b]) => F.groupNorm(x, 2, { weight: w, bias: b }), instanceNorm: ([x, w, b]) => F.instanceNorm(x, { weight: w, bias: b }),
  pad_constant: ([a], k) => F.pad(a, k.pad, { value: k.value }), pad_reflect: ([a], k) => F.pad(a, k.pad, { mode: k.mode }),
  pad_replicate: ([a], k) => F.pad(a, k.pad, { mode: k.mode }), pad_circular: ([a], k) => F.pad(a, k.pad, { mode: k.mode }),
  interpolate_nearest: ([a]) => F.interpolate(a, { scaleFactor: 2, mode: "nearest" }),
  interpolate_bilinear: ([a]) => F.interpolate(a, { size: [5, 4], mode: "bilinear", alignCorners: false }),
  interpolate_bilinear_ac: ([a]) => F.interpolate(a, { size: [5, 4], mode: "bilinear", alignCorners: true }),
  interpolate_linear: ([a]) => F.interpolate(a, { scaleFactor: 1.5, mode: "linear" }),
  convTranspose2d: ([x, w, b]) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
  convTranspose2d_groups: ([x, w]) => F.convTranspose2d(x, w, null, { stride: [1, 2], padding: [0, 1], groups: 2, dilation: 2 }),
  convTranspose1d: ([x, w, b]) => F.convTranspose1d(x, w, b, { stride: 3, padding: 1 }),
  maxPool1d: ([a]) => F.maxPool1d(a, 3, { stride: 2 }), avgPool1d: ([a]) => F.avgPool1d(a, 2), adaptiveAvgPool1d: ([a]) => F.adaptiveAvgPool1d(a, 3),
  adaptiveMaxPool2d: ([a]) => F.adaptiveMaxPool2d(a, [2, 3]),
  unfold: ([a]) => F.unfold(a, 2, { padding: 1, stride: 2 }), fold: ([a]) => F.fold(a, [4, 5], 2, { padding: 1, stride: 2 }),
  bilinear: ([a, b, w, bias]) => F.bilinear(a, b, w, bias), oneHot: ([t]) => F.oneHot(t, 4),
  savedTensorsHooks_pack: ([a, b]) => autograd.graph.savedTensorsHooks((x) => x.mul(2), (x) => x as Tensor, () => a.mul(b).exp()),
  savedTensorsHooks_unpack: ([a, b]) => autograd.graph.savedTensorsHooks((x) => x.detach().clone(), (x) => (x as Tensor).mul(0.5), () => a.tanh().mul(b)),
};

const f64opt = { dtype: "float64" as const };
/** The modules of the module cases, and how they are called. */
const modules: Record<string, { make: () => nn.Module; call: (m: any, x: Tensor[]) => Tensor[] }> = {
  LSTM: { make: () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, ...f64opt }), call: (m, [x]) => { const [o, [h, c]] = m.forward(x); return [o, h, c]; } },
  LSTM_proj: {
    make: () => new nn.LSTM(3, 5, { numLayers: 2, projSize: 2, bidirectional: true, ...f64opt }),
    call: (m, [x, h0, c0]) => { const [o, [h, c]] = m.forward(x, [h0, c0]); return [o, h, c]; },
  },
  LSTM_proj_batchFirst: { make: () => new nn.LSTM(3, 4, { projSize: 3, batchFirst: true, ...f64opt }), call: (m, [x]) => { const [o, [h, c]] = m.forward(x); return [o, h, c]; } },
  GRU_batchFirst: { make: () => new nn.GRU(3, 4, { batchFirst: true, ...f64opt }), call: (m, [x, h0]) => m.forward(x, h0) },
  RNN_relu: { make: () => new nn.RNN(3, 4, { nonlinearity: "relu", ...f64opt }), call: (m, [x]) => m.forward(x) },
  LSTMCell: { make: () => new nn.LSTMCell(3, 4, f64opt), call: (m, [x, h, c]) => m.forward(x, [h, c]) },
  GRUCell: { make: () => new nn.GRUCell(3, 4, f64opt), call: (m, [x, h]) => [m.forward(x, h)] },
  MultiheadAttention: { make: () => new nn.MultiheadAttention(8, 2, f64opt), call: (m, [q, k, v]) => m.forward(q, k, v) },
  TransformerEncoderLayer: { make: () => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, ...f64opt }), call: (m, [x]) => [m.forward(x)] },
  ConvTranspose2d: { make: () => new nn.ConvTranspose2d(3, 2, 4, { stride: 2, padding: 1, ...f64opt }), call: (m, [x]) => [m.forward(x)] },
  GroupNorm: { make: () => new nn.GroupNorm(2, 4, f64opt), call: (m, [x]) => [m.forward(x)] },
  Transformer: {
    make: () => new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0, ...f64opt }),
    call: (m, [src, tgt]) => [m.forward(src, tgt, { tgtMask: nn.Transformer.generateSquareSubsequentMask(4, f64opt) })],
  },
  TransformerDecoderLayer_normFirst: {
    make: () => new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, normFirst: true, batchFirst: true, ...f64opt }),
    call: (m, [tgt, mem]) => [m.forward(tgt, mem, { memoryKeyPaddingMask: tensor([[false, false, false, true, true], [false, false, false, false, false]]) })],
  },
  TransformerDecoder: {
    make: () => new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: "gelu", ...f64opt }), 2),
    call: (m, [tgt, mem]) => [m.forward(tgt, mem)],
  },
};

// Ops composed of other ops: their output's gradFn is the last op's node (ViewBackward0 where PyTorch
// says DiagBackward0). sort/topk/kthvalue/median/mode/cummax are recorded under PyTorch's names.
// The test below fails both when another case starts to differ and when one of these is fixed.
const COMPOSED_GRAD_FNS = [
  "sinh", "cosh", "tan", "log2", "log10", "exp2", "frac", "logit", "fmod", "remainder", "fmax", "hypot", "lerp", "addcmul",
  "addcdiv", "logaddexp", "xlogy", "logsumexp", "logsumexp_keepdim", "cumsum", "cumprod", "prod", "prod_dim", "norm",
  "norm_p1_dim", "norm_p3", "einsum_bmm", "einsum_batch_diag", "einsum_diag", "einsum_ellipsis", "einsum_ellipsis_implicit", "einsum_repeat_contract",
  "einsum_outer_sum", "einsum_implicit", "flip", "roll", "roll_flat", "repeat", "tile",
  "tril", "triu", "diagonal", "diag_vec", "trace", "unfoldWindows", "index_mask", "index_long", "index_two_long",
  "indexPut_mask", "indexPut_acc", "maskedSelect", "scatter", "scatter_value", "indexAdd", "indexCopy", "indexFill",
  "maskedScatter", "take", "elu", "selu", "celu", "silu", "mish", "softplus", "logsigmoid", "hardswish", "hardsigmoid", "relu6",
  "hardtanh", "softplus_beta", "glu", "prelu", "cosineSimilarity", "pairwiseDistance", "cdist", "huberLoss", "softMarginLoss",
  "multiMarginLoss", "groupNorm", "instanceNorm", "pad_constant", "pad_reflect", "pad_replicate", "pad_circular",
  "interpolate_nearest", "interpolate_bilinear", "interpolate_bilinear_ac", "interpolate_linear", "convTranspose1d",
  "adaptiveMaxPool2d", "unfold", "fold",
];
const gradFnDifferences = new Set<string>();

function outputsOf(o: Out): Tensor[] {
  if (o instanceof Tensor) return [o];
  if (Array.isArray(o)) return o;
  return [o.values, o.indices];
}

function check(c: Case, run: (xs: Tensor[]) => Tensor[], params: Array<[string, Tensor]> = []): void {
  const xs = c.inputs.map((t) => {
    const x = toTensor(t);
    return x.isFloatingPoint() ? x.requiresGrad_() : x;
  });
  const outs = run(xs);
  expect(outs.length, `${c.name}: number of outputs`).toBe(c.outputs.length);
  (c.gradFns ?? []).forEach((name, i) => {
    if (name !== null && outs[i].gradFn?.name !== name) gradFnDifferences.add(c.name);
  });
  outs.forEach((o, i) => {
    expect(o.shape, `${c.name}: output ${i} shape`).toEqual(c.outputs[i].shape);
    expectClose(o, c.outputs[i].data.map(Number), { ...TOL, label: `${c.name}: output ${i}` });
  });
  let total: Tensor | null = null;
  outs.forEach((o, i) => {
    const up = c.upstreams[i];
    if (up === null || !o.requiresGrad) return;
    const term = o.mul(toTensor(up)).sum();
    total = total === null ? term : total.add(term);
  });
  if (total === null) return;
  (total as Tensor).backward();
  xs.forEach((x, i) => {
    const g = c.grads[i];
    if (g === null || g === undefined) return;
    expect(x.grad, `${c.name}: grad of input ${i}`).not.toBeNull();
    expectClose(x.grad!, g.data.map(Number), { ...TOL, label: `${c.name}: grad of input ${i}` });
  });
  for (const [name, p] of params) {
    const g = c.paramGrads![name];
    if (g === null) continue;
    expect(p.grad, `${c.name}: grad of ${name}`).not.toBeNull();
    expectClose(p.grad!, g.data.map(Number), { ...TOL, label: `${c.name}: grad of ${name}` });
  }
}

describe("the wider PyTorch API matches torch (values and gradients)", () => {
  for (const c of fixture.cases) {
    if (c.state !== undefined) {
      it(`nn.${c.name}`, () => {
        const spec = modules[c.name];
        expect(spec, `no module spec for ${c.name}`).toBeDefined();
        const m = spec.make();
        const names = [...m.namedParameters()].map(([n]) => n);
        expect(names, `${c.name}: PyTorch's parameter names`).toEqual(Object.keys(c.paramGrads!));
        m.loadStateDict(Object.fromEntries(Object.entries(c.state!).map(([k, v]) => [k, toTensor(v)])));
        check(c, (xs) => spec.call(m, xs), [...m.namedParameters()]);
      });
      continue;
    }
    it(c.name, () => {
      const fn = table[c.name];
      expect(fn, `no table entry for ${c.name}`).toBeDefined();
      check(c, (xs) => outputsOf(fn(xs, c.kwargs)));
    });
  }

  it("values.gradFn is PyTorch's grad_fn name, except for the composed ops listed", () => {
    expect([...gradFnDifferences].sort()).toEqual([...COMPOSED_GRAD_FNS].sort());
  });
  it("every table entry has a fixture case", () => {
    const names = new Set(fixture.cases.map((c) => c.name));
    expect([...Object.keys(table), ...Object.keys(modules)].filter((n) => !names.has(n))).toEqual([]);
  });
});

describe("LSTM projSize is checked as PyTorch", () => {
  it("raises PyTorch's ValueError messages", () => {
    expect(() => new nn.LSTM(3, 4, { projSize: 4 })).toThrow("proj_size has to be smaller than hidden_size");
    expect(() => new nn.LSTM(3, 4, { projSize: -1 })).toThrow("proj_size should be a positive integer or zero to disable projections");
    expect(() => new nn.GRU(3, 4, { projSize: 2 })).toThrow("proj_size argument is only supported for LSTM, not RNN or GRU");
  });
});
