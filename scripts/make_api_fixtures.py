"""Writes test/fixtures/torch/api.json: values and gradients of the wider PyTorch API (issue 15) from
Debian's torch (run with /usr/bin/python3). Each case: float64 inputs, the output(s), an upstream
gradient, and the gradients of every input (and module parameter) for sum(output * upstream)."""
import json
import math
import os
import torch
import torch.nn.functional as F

torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch", "api.json")
cases = []


def enc(t):
    return {"shape": list(t.shape), "dtype": {torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}[t.dtype],
            "data": [fin(v) for v in t.detach().reshape(-1).tolist()]}


def fin(v):
    """JSON has no NaN/Infinity: those go as strings JS's Number() reads back."""
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def r(*shape):
    return torch.randn(*shape, dtype=torch.float64)


def pos(*shape):
    return torch.rand(*shape, dtype=torch.float64) + 0.5


def grad_fns(outs):
    """PyTorch's grad_fn name of each output, as a user sees it (None for integer outputs)."""
    return [type(o.grad_fn).__name__ if o.grad_fn is not None else None for o in outs]


def case(name, fn, inputs, kwargs=None, grad=True):
    """fn(*inputs) -> tensor or tuple of tensors; float inputs require grad."""
    xs = [x.clone().requires_grad_(grad and x.is_floating_point()) for x in inputs]
    out = fn(*xs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    ups = [torch.randn_like(o) if o.is_floating_point() and o.requires_grad else None for o in outs]
    total = sum((o * u).sum() for o, u in zip(outs, ups) if u is not None)
    diff = [x for x in xs if x.requires_grad]
    grads = torch.autograd.grad(total, diff, allow_unused=True) if diff and isinstance(total, torch.Tensor) else []
    it = iter(grads)
    cases.append({"name": name, "kwargs": kwargs or {}, "inputs": [enc(x) for x in inputs],
                  "outputs": [enc(o) for o in outs], "upstreams": [enc(u) if u is not None else None for u in ups],
                  "grads": [(enc(next(it)) if x.requires_grad else None) for x in xs], "gradFns": grad_fns(outs)})


def module_case(name, make, inputs, call=None, kwargs=None):
    """A module in float64 with its state dict; grads of inputs then of parameters (named)."""
    torch.manual_seed(1)
    m = make().double()
    xs = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
    out = call(m, *xs) if call else m(*xs)
    outs = []
    def flat(o):
        if isinstance(o, (tuple, list)):
            for p in o: flat(p)
        elif o is not None:
            outs.append(o)
    flat(out)
    ups = [torch.randn_like(o) for o in outs]
    total = sum((o * u).sum() for o, u in zip(outs, ups))
    params = list(m.named_parameters())
    diff = [x for x in xs if x.requires_grad] + [p for _, p in params]
    grads = torch.autograd.grad(total, diff, allow_unused=True)
    n_in = len([x for x in xs if x.requires_grad])
    cases.append({"name": name, "kwargs": kwargs or {}, "inputs": [enc(x) for x in inputs],
                  "state": {k: enc(v) for k, v in m.state_dict().items()},
                  "outputs": [enc(o) for o in outs], "upstreams": [enc(u) for u in ups],
                  "grads": [enc(g) if g is not None else None for g in grads[:n_in]],
                  "paramGrads": {k: (enc(g) if g is not None else None) for (k, _), g in zip(params, grads[n_in:])}})


# ---- elementwise math ----
for op in ["asin", "acos", "atan", "erf", "expm1", "sinh", "cosh", "tan", "log2", "log10", "exp2", "frac", "reciprocal", "floor", "ceil", "trunc"]:
    x = (torch.rand(2, 3, dtype=torch.float64) * 1.6 - 0.8) if op in ("asin", "acos") else pos(2, 3) if op in ("log2", "log10", "reciprocal") else r(2, 3) * 2
    case(op, getattr(torch, op), [x])
case("round", torch.round, [torch.tensor([0.5, 1.5, 2.5, -0.5, 1.2, -2.7], dtype=torch.float64)])
case("logit", lambda x: torch.logit(x, eps=0.05), [torch.rand(2, 3, dtype=torch.float64)], {"eps": 0.05})
case("atan2", torch.atan2, [r(2, 3), r(3)])
case("fmod", lambda a: torch.fmod(a, 1.5), [r(2, 3) * 3], {"other": 1.5})
case("remainder", lambda a: torch.remainder(a, 1.5), [r(2, 3) * 3], {"other": 1.5})
case("fmax", torch.fmax, [r(2, 3), r(2, 3)])
case("hypot", torch.hypot, [r(2, 3), r(2, 3)])
case("lerp", lambda a, b: torch.lerp(a, b, 0.3), [r(2, 3), r(2, 3)], {"weight": 0.3})
case("addcmul", lambda x, a, b: torch.addcmul(x, a, b, value=0.5), [r(2, 3), r(2, 3), r(3)], {"value": 0.5})
case("addcdiv", lambda x, a, b: torch.addcdiv(x, a, b, value=0.5), [r(2, 3), r(2, 3), pos(3)], {"value": 0.5})
case("logaddexp", torch.logaddexp, [r(2, 3), r(2, 3)])
case("xlogy", torch.xlogy, [torch.tensor([0.0, 1.0, 2.0, 0.5], dtype=torch.float64), pos(4)])
case("nanToNum", lambda x: torch.nan_to_num(x, nan=0.0, posinf=5.0), [torch.tensor([1.0, float("nan"), float("inf"), -2.0], dtype=torch.float64)], {"nan": 0.0, "posinf": 5.0})
# ---- reductions and scans ----
case("logsumexp", lambda x: torch.logsumexp(x, 1), [r(3, 4)], {"dim": 1})
case("logsumexp_keepdim", lambda x: torch.logsumexp(x, (0, 2), keepdim=True), [r(2, 3, 4)], {"dim": [0, 2]})
case("cumsum", lambda x: torch.cumsum(x, 1), [r(3, 4)], {"dim": 1})
case("cumprod", lambda x: torch.cumprod(x, 0), [r(4, 2)], {"dim": 0})
case("prod", lambda x: torch.prod(x), [r(2, 3)])
case("prod_dim", lambda x: torch.prod(x, 1, keepdim=True), [r(3, 4)], {"dim": 1})
case("norm", lambda x: torch.norm(x), [r(3, 4)])
case("norm_p1_dim", lambda x: x.norm(1, 1), [r(3, 4)], {"p": 1, "dim": 1})
case("norm_p3", lambda x: x.norm(3, 0, True), [r(3, 4)], {"p": 3, "dim": 0})
case("sort", lambda x: torch.sort(x, 1, descending=True), [r(3, 5)], {"dim": 1, "descending": True})
case("topk", lambda x: torch.topk(x, 2, 1), [r(3, 5)], {"k": 2, "dim": 1})
case("kthvalue", lambda x: torch.kthvalue(x, 2, 1), [r(3, 5)], {"k": 2, "dim": 1})
case("median", lambda x: torch.median(x, 1), [r(3, 5)], {"dim": 1})
case("cummax", lambda x: torch.cummax(x, 1), [r(3, 5)], {"dim": 1})
case("einsum_bmm", lambda a, b: torch.einsum("bij,bjk->bik", a, b), [r(2, 3, 4), r(2, 4, 5)], {"eq": "bij,bjk->bik"})
case("einsum_outer_sum", lambda a, b: torch.einsum("i,j->", a, b), [r(3), r(4)], {"eq": "i,j->"})
case("einsum_implicit", lambda a, b: torch.einsum("ij,jk", a, b), [r(2, 3), r(3, 4)], {"eq": "ij,jk"})
case("det", torch.det, [r(3, 3) + 2 * torch.eye(3, dtype=torch.float64)])
case("inverse", torch.inverse, [r(2, 3, 3) + 2 * torch.eye(3, dtype=torch.float64)])
# ---- shape and index ----
case("flip", lambda x: torch.flip(x, [0, 2]), [r(2, 3, 4)], {"dims": [0, 2]})
case("roll", lambda x: torch.roll(x, (1, -2), (0, 1)), [r(3, 4)], {"shifts": [1, -2], "dims": [0, 1]})
case("roll_flat", lambda x: torch.roll(x, 2), [r(3, 4)], {"shifts": 2})
case("repeat", lambda x: x.repeat(2, 1, 3), [r(2, 3)], {"sizes": [2, 1, 3]})
case("tile", lambda x: torch.tile(x, (2,)), [r(2, 3)], {"reps": [2]})
case("repeatInterleave", lambda x: torch.repeat_interleave(x, 2, 1), [r(2, 3)], {"repeats": 2, "dim": 1})
case("tril", lambda x: torch.tril(x, -1), [r(4, 4)], {"diagonal": -1})
case("triu", lambda x: torch.triu(x, 1), [r(3, 4)], {"diagonal": 1})
case("diagonal", lambda x: torch.diagonal(x, 1, 1, 2), [r(2, 3, 4)], {"offset": 1, "dim1": 1, "dim2": 2})
case("diag_vec", lambda x: torch.diag(x, -1), [r(3)], {"offset": -1})
case("trace", torch.trace, [r(3, 3)])
case("movedim", lambda x: torch.movedim(x, 0, -1), [r(2, 3, 4)], {"source": 0, "destination": -1})
case("outer", torch.outer, [r(3), r(4)])
case("unfoldWindows", lambda x: x.unfold(1, 3, 2), [r(2, 7)], {"dim": 1, "size": 3, "step": 2})
ix = torch.tensor([2, 0, 2], dtype=torch.int64)
mask = torch.tensor([[True, False, True], [False, True, True]])
case("index_basic", lambda x: x[1, ::2, None, 1:], [r(3, 5, 4)])
case("index_mask", lambda x: x[mask], [r(2, 3)])
case("index_long", lambda x: x[:, ix], [r(2, 3)])
case("index_two_long", lambda x: x[ix, :, torch.tensor([1, 0, 1])], [r(3, 2, 2)])
case("index_ellipsis", lambda x: x[..., 0], [r(2, 3, 4)])
case("indexPut_mask", lambda x, v: x.clone().index_put_((mask,), v), [r(2, 3), r(4)])
case("indexPut_acc", lambda x, v: x.clone().index_put_((ix,), v, accumulate=True), [r(3, 2), r(3, 2)])
case("maskedSelect", lambda x: torch.masked_select(x, mask), [r(2, 3)])
case("scatter", lambda x, s: x.scatter(1, torch.tensor([[2, 0], [1, 2]]), s), [r(2, 3), r(2, 2)])
case("scatter_value", lambda x: x.scatter(1, torch.tensor([[2, 0], [1, 2]]), 1.5), [r(2, 3)], {"value": 1.5})
case("indexAdd", lambda x, s: x.index_add(0, ix, s, alpha=2.0), [r(3, 2), r(3, 2)], {"alpha": 2.0})
case("indexCopy", lambda x, s: x.index_copy(0, torch.tensor([2, 0]), s), [r(3, 2), r(2, 2)])
case("indexFill", lambda x: x.index_fill(1, torch.tensor([0, 2]), -1.0), [r(2, 3)])
case("maskedScatter", lambda x, s: x.masked_scatter(mask, s), [r(2, 3), r(6)])
case("take", lambda x: torch.take(x, torch.tensor([[0, 5], [3, 3]])), [r(2, 3)])
case("takeAlongDim", lambda x: torch.take_along_dim(x, torch.tensor([[2], [0]]), 1), [r(2, 3)])
# ---- F ----
for name, fn in [("elu", F.elu), ("selu", F.selu), ("celu", F.celu), ("silu", F.silu), ("mish", F.mish), ("softplus", F.softplus),
                 ("softsign", F.softsign), ("logsigmoid", F.logsigmoid), ("hardswish", F.hardswish), ("hardsigmoid", F.hardsigmoid)]:
    case(name, fn, [r(3, 4) * 2])
case("relu6", F.relu6, [r(3, 4) * 4])
case("hardtanh", lambda x: F.hardtanh(x, -0.5, 0.7), [r(3, 4)], {"min": -0.5, "max": 0.7})
case("softplus_beta", lambda x: F.softplus(x, 2.0, 3.0), [r(3, 4) * 2], {"beta": 2.0, "threshold": 3.0})
case("softmin", lambda x: F.softmin(x, 1), [r(3, 4)])
case("glu", lambda x: F.glu(x, -1), [r(3, 4)])
case("prelu", F.prelu, [r(2, 3, 4), torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64)])
case("normalize", lambda x: F.normalize(x, dim=1), [r(3, 4)])
case("cosineSimilarity", lambda a, b: F.cosine_similarity(a, b, dim=1), [r(3, 4), r(3, 4)])
case("pairwiseDistance", F.pairwise_distance, [r(3, 4), r(3, 4)])
case("cdist", torch.cdist, [r(3, 4), r(2, 4)])
case("huberLoss", lambda a, b: F.huber_loss(a, b, delta=0.5), [r(3, 4), r(3, 4)], {"delta": 0.5})
case("klDiv", lambda a, b: F.kl_div(a, b, reduction="batchmean"), [F.log_softmax(r(3, 4), 1).detach(), F.softmax(r(3, 4), 1).detach()], {"reduction": "batchmean"})
case("marginRankingLoss", lambda a, b: F.margin_ranking_loss(a, b, torch.tensor([1.0, -1.0, 1.0], dtype=torch.float64), margin=0.2), [r(3), r(3)])
case("hingeEmbeddingLoss", lambda a: F.hinge_embedding_loss(a, torch.tensor([1.0, -1.0, -1.0, 1.0], dtype=torch.float64)), [r(4)])
case("softMarginLoss", lambda a: F.soft_margin_loss(a, torch.tensor([1.0, -1.0, -1.0, 1.0], dtype=torch.float64)), [r(4)])
case("tripletMarginLoss", lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=2.0), [r(3, 4), r(3, 4), r(3, 4)])
case("cosineEmbeddingLoss", lambda a, b: F.cosine_embedding_loss(a, b, torch.tensor([1.0, -1.0, 1.0], dtype=torch.float64), margin=0.1), [r(3, 4), r(3, 4)])
case("poissonNllLoss", lambda a, t: F.poisson_nll_loss(a, t, full=True), [r(3, 4), pos(3, 4) * 3])
case("gaussianNllLoss", lambda a, t, v: F.gaussian_nll_loss(a, t, v), [r(3, 4), r(3, 4), pos(3, 4)])
case("multiMarginLoss", lambda a: F.multi_margin_loss(a, torch.tensor([1, 0, 3])), [r(3, 4)])
case("groupNorm", lambda x, w, b: F.group_norm(x, 2, w, b), [r(2, 4, 3), r(4), r(4)])
case("instanceNorm", lambda x, w, b: F.instance_norm(x, weight=w, bias=b), [r(2, 3, 4, 4), r(3), r(3)])
case("pad_constant", lambda x: F.pad(x, (1, 2, 0, 1), value=0.5), [r(2, 3, 4)], {"pad": [1, 2, 0, 1], "value": 0.5})
case("pad_reflect", lambda x: F.pad(x, (2, 1), mode="reflect"), [r(2, 3, 4)], {"pad": [2, 1], "mode": "reflect"})
case("pad_replicate", lambda x: F.pad(x, (1, 2, 2, 0), mode="replicate"), [r(1, 2, 3, 4)], {"pad": [1, 2, 2, 0], "mode": "replicate"})
case("pad_circular", lambda x: F.pad(x, (1, 2), mode="circular"), [r(1, 2, 4)], {"pad": [1, 2], "mode": "circular"})
case("interpolate_nearest", lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), [r(1, 2, 3, 3)])
case("interpolate_bilinear", lambda x: F.interpolate(x, size=(5, 4), mode="bilinear", align_corners=False), [r(1, 2, 3, 3)])
case("interpolate_bilinear_ac", lambda x: F.interpolate(x, size=(5, 4), mode="bilinear", align_corners=True), [r(1, 2, 3, 3)])
case("interpolate_linear", lambda x: F.interpolate(x, scale_factor=1.5, mode="linear"), [r(1, 2, 4)])
case("convTranspose2d", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1), [r(2, 3, 4, 4), r(3, 2, 3, 3), r(2)])
case("convTranspose2d_groups", lambda x, w: F.conv_transpose2d(x, w, stride=(1, 2), padding=(0, 1), groups=2, dilation=2), [r(1, 4, 3, 3), r(4, 1, 2, 3)])
case("convTranspose1d", lambda x, w, b: F.conv_transpose1d(x, w, b, stride=3, padding=1), [r(2, 2, 5), r(2, 3, 4), r(3)])
case("maxPool1d", lambda x: F.max_pool1d(x, 3, 2), [r(2, 3, 9)])
case("avgPool1d", lambda x: F.avg_pool1d(x, 2), [r(2, 3, 8)])
case("adaptiveAvgPool1d", lambda x: F.adaptive_avg_pool1d(x, 3), [r(2, 3, 7)])
case("adaptiveMaxPool2d", lambda x: F.adaptive_max_pool2d(x, (2, 3)), [r(1, 2, 5, 7)])
case("sdpa", lambda q, k, v: F.scaled_dot_product_attention(q, k, v), [r(2, 3, 4), r(2, 5, 4), r(2, 5, 6)]) if hasattr(F, "scaled_dot_product_attention") else None
case("unfold", lambda x: F.unfold(x, 2, padding=1, stride=2), [r(1, 2, 4, 5)])
case("fold", lambda x: F.fold(x, (4, 5), 2, padding=1, stride=2), [r(1, 8, 9)])
case("bilinear", F.bilinear, [r(3, 4), r(3, 5), r(2, 4, 5), r(2)])
case("oneHot", lambda t: F.one_hot(t, 4), [torch.tensor([0, 3, 1])])
# ---- modules ----
T, B = 5, 2
module_case("LSTM", lambda: torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True), [r(T, B, 3)])
module_case("GRU_batchFirst", lambda: torch.nn.GRU(3, 4, batch_first=True), [r(B, T, 3), r(1, B, 4)])
module_case("RNN_relu", lambda: torch.nn.RNN(3, 4, nonlinearity="relu"), [r(T, B, 3)])
module_case("LSTMCell", lambda: torch.nn.LSTMCell(3, 4), [r(B, 3), r(B, 4), r(B, 4)], call=lambda m, x, h, c: m(x, (h, c)))
module_case("GRUCell", lambda: torch.nn.GRUCell(3, 4), [r(B, 3), r(B, 4)])
module_case("MultiheadAttention", lambda: torch.nn.MultiheadAttention(8, 2), [r(4, 2, 8), r(6, 2, 8), r(6, 2, 8)])
module_case("TransformerEncoderLayer", lambda: torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0), [r(4, 2, 8)])
module_case("ConvTranspose2d", lambda: torch.nn.ConvTranspose2d(3, 2, 4, stride=2, padding=1), [r(1, 3, 3, 3)])
module_case("GroupNorm", lambda: torch.nn.GroupNorm(2, 4), [r(2, 4, 5)])
module_case("Transformer", lambda: torch.nn.Transformer(8, 2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=16, dropout=0.0),
            [r(5, 2, 8), r(4, 2, 8)], call=lambda m, s, t: m(s, t, tgt_mask=torch.nn.Transformer.generate_square_subsequent_mask(4).double()))
kpm = torch.tensor([[False, False, False, True, True], [False, False, False, False, False]])
module_case("TransformerDecoderLayer_normFirst", lambda: torch.nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0, norm_first=True, batch_first=True),
            [r(2, 4, 8), r(2, 5, 8)], call=lambda m, t, mem: m(t, mem, memory_key_padding_mask=kpm))
module_case("TransformerDecoder", lambda: torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation="gelu"), 2),
            [r(4, 2, 8), r(5, 2, 8)])

# einsum with an index repeated within an operand (diagonal, trace) and with an ellipsis
for name, eq, ins in [("einsum_diag", "ii->i", [r(3, 3)]), ("einsum_trace", "ii", [r(3, 3)]), ("einsum_batch_diag", "bii->bi", [r(2, 3, 3)]),
                      ("einsum_repeat_contract", "iij,jk->ik", [r(3, 3, 4), r(4, 2)]),
                      ("einsum_ellipsis", "...ij,...jk->...ik", [r(2, 3, 4), r(4, 5)]), ("einsum_ellipsis_implicit", "...i,...i", [r(2, 3, 4), r(3, 4)]),
                      ("einsum_ellipsis_middle", "b...d->bd", [r(2, 3, 4, 5)])]:
    case(name, (lambda e: lambda *xs: torch.einsum(e, *xs))(eq), ins, {"eq": eq})
module_case("LSTM_proj", lambda: torch.nn.LSTM(3, 5, num_layers=2, proj_size=2, bidirectional=True), [r(T, B, 3), r(4, B, 2), r(4, B, 5)],
            call=lambda m, x, h, c: m(x, (h, c)))
module_case("LSTM_proj_batchFirst", lambda: torch.nn.LSTM(3, 4, proj_size=3, batch_first=True), [r(B, T, 3)])

# ---- autograd.graph.saved_tensors_hooks: what the hooks do to saved tensors changes the gradients ----
def hooked(pack, unpack, fn):
    def run(*xs):
        with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
            return fn(*xs)
    return run


case("savedTensorsHooks_pack", hooked(lambda x: x * 2, lambda x: x, lambda a, b: (a * b).exp()), [r(2, 3) * 0.5, r(2, 3) * 0.5])
case("savedTensorsHooks_unpack", hooked(lambda x: x.detach().clone(), lambda x: x * 0.5, lambda a, b: a.tanh() * b), [r(2, 3), r(2, 3)])

with open(OUT, "w") as f:
    json.dump({"torchVersion": torch.__version__, "cases": cases}, f, allow_nan=False)
print(f"{len(cases)} cases -> {OUT}")


class NAdam2(torch.optim.NAdam):
    """torch 1.13's NAdam with PyTorch 2.x's fix (1.13 multiplies mu twice into mu_product_next)."""
    @torch.no_grad()
    def step(self, closure=None):
        with torch.enable_grad():
            loss = closure()
        for g in self.param_groups:
            (b1, b2), lr, eps, wd, md = g["betas"], g["lr"], g["eps"], g["weight_decay"], g["momentum_decay"]
            for p in g["params"]:
                st = self.state[p]
                if not st:
                    st.update(step=0, mu_product=1.0, exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
                st["step"] += 1
                t = st["step"]
                grad = p.grad + wd * p
                mu = b1 * (1 - 0.5 * 0.96 ** (t * md))
                mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * md))
                st["mu_product"] *= mu
                st["exp_avg"].mul_(b1).add_(grad, alpha=1 - b1)
                st["exp_avg_sq"].mul_(b2).addcmul_(grad, grad, value=1 - b2)
                denom = (st["exp_avg_sq"] / (1 - b2 ** t)).sqrt() + eps
                p.addcdiv_(grad, denom, value=-lr * (1 - mu) / (1 - st["mu_product"]))
                p.addcdiv_(st["exp_avg"], denom, value=-lr * mu_next / (1 - st["mu_product"] * mu_next))
        return loss


# ---- optimizers: 5 steps on f(w) = Σ (A·w − b)² + Σ w⁴ from the same start ----
def optim_cases():
    torch.manual_seed(2)
    A, b, w0 = torch.randn(4, 3, dtype=torch.float64), torch.randn(4, dtype=torch.float64), torch.randn(3, dtype=torch.float64)
    specs = [
        ("Adagrad", lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.1), {"lr": 0.1, "lrDecay": 0.01, "weightDecay": 0.1, "initialAccumulatorValue": 0.1}),
        ("Adadelta", lambda p: torch.optim.Adadelta(p, lr=0.5, rho=0.8, weight_decay=0.05), {"lr": 0.5, "rho": 0.8, "weightDecay": 0.05}),
        ("Adamax", lambda p: torch.optim.Adamax(p, lr=0.05, weight_decay=0.01), {"lr": 0.05, "weightDecay": 0.01}),
        ("NAdam", lambda p: NAdam2(p, lr=0.05, weight_decay=0.01), {"lr": 0.05, "weightDecay": 0.01}),
        ("RAdam", lambda p: torch.optim.RAdam(p, lr=0.05), {"lr": 0.05}),
        ("RAdam_rectified", lambda p: torch.optim.RAdam(p, lr=0.05, betas=(0.9, 0.5)), {"lr": 0.05, "betas": [0.9, 0.5]}),
        ("LBFGS", lambda p: torch.optim.LBFGS(p, lr=0.5, max_iter=5, history_size=3), {"lr": 0.5, "maxIter": 5, "historySize": 3}),
    ]
    out = []
    for name, make, opts in specs:
        w = w0.clone().requires_grad_()
        opt = make([w])
        traj = []
        for _ in range(5):
            def closure():
                opt.zero_grad()
                loss = ((A @ w - b) ** 2).sum() + (w ** 4).sum()
                loss.backward()
                return loss
            opt.step(closure)
            traj.append(w.detach().tolist())
        out.append({"name": name, "options": opts, "trajectory": traj})
    sched = []
    def lrs(make, steps=12, metric=None):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        s = make(opt)
        vals = [opt.param_groups[0]["lr"]]
        for i in range(steps):
            opt.step()
            s.step(metric[i]) if metric else s.step()
            vals.append(opt.param_groups[0]["lr"])
        return vals
    S = torch.optim.lr_scheduler
    sched.append({"name": "MultiStepLR", "lrs": lrs(lambda o: S.MultiStepLR(o, [3, 7], 0.5))})
    sched.append({"name": "ConstantLR", "lrs": lrs(lambda o: S.ConstantLR(o, 0.25, 4))})
    sched.append({"name": "LinearLR", "lrs": lrs(lambda o: S.LinearLR(o, start_factor=0.2, end_factor=1.0, total_iters=6))})
    sched.append({"name": "PolynomialLR", "lrs": lrs(lambda o: S.PolynomialLR(o, total_iters=8, power=2.0))})
    sched.append({"name": "CosineAnnealingWarmRestarts", "lrs": lrs(lambda o: S.CosineAnnealingWarmRestarts(o, 3, 2, 0.01))})
    sched.append({"name": "OneCycleLR", "lrs": lrs(lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=12, cycle_momentum=False), 11)})
    sched.append({"name": "CyclicLR", "lrs": lrs(lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3, mode="triangular2", cycle_momentum=False))})
    metric = [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
    sched.append({"name": "ReduceLROnPlateau", "lrs": lrs(lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2), metric=metric), "metric": metric})
    # SparseAdam raises on a dense gradient (the only kind the engine has): its message
    p = torch.zeros(2, requires_grad=True)
    p.grad = torch.ones(2)
    try:
        torch.optim.SparseAdam([p]).step()
        sparse_error = None
    except RuntimeError as e:
        sparse_error = str(e)
    return {"A": A.tolist(), "b": b.tolist(), "w0": w0.tolist(), "optimizers": out, "schedulers": sched, "sparseAdamDenseError": sparse_error}


with open(os.path.join(os.path.dirname(OUT), "api-optim.json"), "w") as f:
    json.dump({"torchVersion": torch.__version__, **optim_cases()}, f)
