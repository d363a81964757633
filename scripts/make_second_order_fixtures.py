#!/usr/bin/env python3
"""PyTorch oracle values for second order through conv, pool, norm and loss ops (issue 14 item 3).

Regenerate with Debian's python3-torch (the pyenv python3 on PATH has no torch):

    /usr/bin/python3 scripts/make_second_order_fixtures.py

Writes test/fixtures/torch/second_order.json, replayed by test/engine/secondOrder.test.ts.
Deterministic: fixed seed, one thread, float64, shortest round-trip float repr.

Format (see test/fixtures/torch/README.md for TENSOR): {"file", "torchVersion", "generator", "notes",
"cases": [CASE]}, each CASE has a unique "name", "tensors" (name -> TENSOR: parameters, inputs and
constants the program reads) and "expected" (name -> TENSOR: values and gradients PyTorch computed).
The programs themselves are written twice, here and in the test, with the same names:

* wgan_gp_layernorm: a WGAN-GP critic (conv -> LeakyReLU -> conv -> LayerNorm -> LeakyReLU ->
  adaptive avg pool -> linear), gradient penalty at random interpolates (lambda 10): the penalty,
  the input gradient, the parameters' grads after penalty.backward(), and after the full critic loss.
* r1_batchnorm: an R1 penalty (gamma 10) through a DCGAN-style critic (conv -> LeakyReLU -> conv ->
  BatchNorm (training, batch stats) -> LeakyReLU -> max pool -> linear, BCE-with-logits on real).
* maml_conv: one MAML inner SGD step (create_graph) through conv -> ReLU -> avg pool -> linear with
  cross entropy, then the outer loss's grads of the initial parameters.
* gelu_derivatives: gelu's first three derivatives (nested autograd.grad), erf and tanh forms.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch", "second_order.json")


def t(x):
    if x is None:  # a None gradient
        return None
    x = x.detach()
    return {"shape": list(x.shape), "dtype": "float64", "data": [float(v) for v in x.reshape(-1).tolist()]}


def params(**shapes):
    return {k: (torch.randn(*s) * 0.5).requires_grad_() for k, s in shapes.items()}


def param_grads(ps, prefix):
    return {f"{prefix}{k}": t(v.grad) for k, v in ps.items()}


def zero(ps):
    for p in ps.values():
        p.grad = None


def ln_critic(p, x):
    h = F.leaky_relu(F.conv2d(x, p["conv1.weight"], p["conv1.bias"], stride=2, padding=1), 0.2)
    h = F.conv2d(h, p["conv2.weight"], p["conv2.bias"], padding=1)
    h = F.leaky_relu(F.layer_norm(h, [4, 3, 3], p["ln.weight"], p["ln.bias"]), 0.2)
    h = F.adaptive_avg_pool2d(h, 1).flatten(1)
    return F.linear(h, p["fc.weight"], p["fc.bias"])


def wgan_gp():
    p = params(**{"conv1.weight": (4, 2, 3, 3), "conv1.bias": (4,), "conv2.weight": (4, 4, 3, 3), "conv2.bias": (4,),
                  "ln.weight": (4, 3, 3), "ln.bias": (4, 3, 3), "fc.weight": (1, 4), "fc.bias": (1,)})
    with torch.no_grad():
        p["ln.weight"].add_(1)
    real, fake, alpha = torch.randn(3, 2, 6, 6), torch.randn(3, 2, 6, 6), torch.rand(3, 1, 1, 1)
    interp = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    out = ln_critic(p, interp)
    (g,) = torch.autograd.grad(out, interp, grad_outputs=torch.ones_like(out), create_graph=True)
    gp = ((g.view(3, -1).norm(2, dim=1) - 1) ** 2).mean()
    gp.backward()
    expected = {"penalty": t(gp), "inputGrad": t(g), **param_grads(p, "penaltyGrad.")}
    zero(p)
    interp = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    out = ln_critic(p, interp)
    (g,) = torch.autograd.grad(out, interp, grad_outputs=torch.ones_like(out), create_graph=True)
    gp = ((g.view(3, -1).norm(2, dim=1) - 1) ** 2).mean()
    loss = ln_critic(p, fake).mean() - ln_critic(p, real).mean() + 10 * gp
    loss.backward()
    expected.update({"loss": t(loss), **param_grads(p, "lossGrad.")})
    tensors = {**{k: t(v) for k, v in p.items()}, "real": t(real), "fake": t(fake), "alpha": t(alpha)}
    return {"name": "wgan_gp_layernorm", "tensors": tensors, "expected": expected}


def bn_critic(p, x):
    h = F.leaky_relu(F.conv2d(x, p["conv1.weight"], p["conv1.bias"], stride=2, padding=1), 0.2)
    h = F.conv2d(h, p["conv2.weight"], None, padding=1)
    h = F.leaky_relu(F.batch_norm(h, None, None, p["bn.weight"], p["bn.bias"], training=True), 0.2)
    h = F.max_pool2d(h, 2, stride=1).flatten(1)
    return F.linear(h, p["fc.weight"], p["fc.bias"])


def r1():
    p = params(**{"conv1.weight": (4, 2, 3, 3), "conv1.bias": (4,), "conv2.weight": (4, 4, 3, 3),
                  "bn.weight": (4,), "bn.bias": (4,), "fc.weight": (1, 16), "fc.bias": (1,)})
    with torch.no_grad():
        p["bn.weight"].add_(1)
    real = torch.randn(3, 2, 6, 6).requires_grad_(True)
    logits = bn_critic(p, real)
    d_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    (g,) = torch.autograd.grad(logits.sum(), real, create_graph=True)
    penalty = 10 / 2 * g.pow(2).reshape(3, -1).sum(1).mean()
    penalty.backward()
    expected = {"penalty": t(penalty), "inputGrad": t(g), **param_grads(p, "penaltyGrad.")}
    zero(p)
    real.grad = None
    logits = bn_critic(p, real)
    d_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    (g,) = torch.autograd.grad(logits.sum(), real, create_graph=True)
    (d_loss + 10 / 2 * g.pow(2).reshape(3, -1).sum(1).mean()).backward()
    expected.update({"dLoss": t(d_loss), **param_grads(p, "lossGrad.")})
    tensors = {**{k: t(v) for k, v in p.items()}, "real": t(real)}
    return {"name": "r1_batchnorm", "tensors": tensors, "expected": expected}


def maml_net(p, x):
    h = F.avg_pool2d(F.relu(F.conv2d(x, p["conv.weight"], p["conv.bias"], padding=1)), 2).flatten(1)
    return F.linear(h, p["fc.weight"], p["fc.bias"])


def maml():
    p = params(**{"conv.weight": (3, 1, 3, 3), "conv.bias": (3,), "fc.weight": (3, 12), "fc.bias": (3,)})
    xs, ys = torch.randn(4, 1, 4, 4), torch.tensor([0, 2, 1, 2])
    xq, yq = torch.randn(4, 1, 4, 4), torch.tensor([1, 0, 2, 2])
    names = list(p)
    inner = F.cross_entropy(maml_net(p, xs), ys)
    grads = torch.autograd.grad(inner, [p[k] for k in names], create_graph=True)
    fast = {k: p[k] - 0.1 * g for k, g in zip(names, grads)}
    outer = F.cross_entropy(maml_net(fast, xq), yq)
    outer.backward()
    expected = {"outer": t(outer), **param_grads(p, "grad.")}
    tensors = {**{k: t(v) for k, v in p.items()}, "xs": t(xs), "xq": t(xq),
               "ys": {"shape": [4], "dtype": "int64", "data": ys.tolist()},
               "yq": {"shape": [4], "dtype": "int64", "data": yq.tolist()}}
    return {"name": "maml_conv", "tensors": tensors, "expected": expected}


def gelu_derivatives():
    x = torch.tensor([-2.5, -1.0, -0.3, 0.0, 0.4, 1.2, 3.0], requires_grad=True)
    expected = {}
    for approx in ["none", "tanh"]:
        y = F.gelu(x, approximate=approx)
        (d1,) = torch.autograd.grad(y.sum(), x, create_graph=True)
        (d2,) = torch.autograd.grad(d1.sum(), x, create_graph=True)
        (d3,) = torch.autograd.grad(d2.sum(), x)
        expected.update({f"{approx}.d1": t(d1), f"{approx}.d2": t(d2), f"{approx}.d3": t(d3)})
    return {"name": "gelu_derivatives", "tensors": {"x": t(x)}, "expected": expected}


def main():
    cases = [wgan_gp(), r1(), maml(), gelu_derivatives()]
    doc = {"file": "second_order", "torchVersion": torch.__version__, "generator": "scripts/make_second_order_fixtures.py",
           "notes": "second order through conv/pool/norm/loss ops: gradient penalties, MAML, gelu's third derivative",
           "cases": cases}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
