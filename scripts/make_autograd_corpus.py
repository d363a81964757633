#!/usr/bin/env python3
"""Differential autograd corpus: random small programs run in PyTorch, replayed by the engine.

Regenerate with Debian's python3-torch (the pyenv python3 on PATH has no torch):

    /usr/bin/python3 scripts/make_autograd_corpus.py

Writes test/fixtures/torch/autograd_corpus.json, replayed by test/engine/autogradCorpus.test.ts
(interpreter: test/engine/corpus/interpreter.ts). Deterministic: program i is generated from
random.Random(i) and torch.manual_seed(i), one thread.

A PROGRAM is {"name", "steps": [STEP...], "expect": {...}}. Variables are named v0, v1, ...
STEP (kinds; "x" names the tensor a step acts on, "out" the variable it defines):
  {"k": "leaf", "out", "shape", "dtype", "data", "rg"}         torch.tensor(data).reshape(shape).clone(), requires_grad=rg
  {"k": "op", "out", "fn", "x", "args"}                        out = OPS[fn](x, *args)   (an arg {"v": name} is a variable)
  {"k": "inplace", "fn", "x", "args"}                          OPS[fn](x, *args), fn ends with "_"
  {"k": "gradMode", "on"}                                      torch.set_grad_enabled(on)  (noGrad regions)
  {"k": "retainGrad", "x"} / {"k": "requiresGrad_", "x", "flag"}
  {"k": "backward", "x", "retain", "create"}                   x.sum().backward(retain_graph, create_graph)
  {"k": "gradOf", "out", "x"}                                  out = x.grad (a tensor: second backward after create)
  {"k": "clearGrad", "x"}                                      x.grad = None
"expect": {"error": null | {"step": i, "message": first line of PyTorch's message},
           "vars": {name: {"rg", "leaf", "shape", "dtype", "value": [...], "grad": null | [...]}}}
The state in "vars" is taken after the last step that ran (the failing step, if any, did not run).
Values are rounded to 7 significant digits; NaN/inf are the strings "nan", "inf", "-inf".

A step PyTorch rejects for its arguments (shapes that do not broadcast, a dim out of range) is
dropped while generating (a program whose dropped step was a backward is left out: it ran half-way); a step rejected by autograd (in-place on a leaf, a stale saved tensor,
backward twice, ...) ends the program and becomes its expected error.

HOW A NEW OP JOINS THE FUZZ: add it to OPS below (name = the engine's method name, a torch lambda,
and an argument generator), and to the interpreter's table in test/engine/corpus/interpreter.ts.
"""
import json
import math
import random

import torch

torch.set_num_threads(1)
N_PROGRAMS = 2600
OUT = "test/fixtures/torch/autograd_corpus.json"
SHAPES = [[], [3], [2, 3], [3, 1], [1, 3], [2, 1, 3], [2, 2], [4], [2, 3, 2]]


def rnd_dim(t, r):
    return r.randrange(-max(t.dim(), 1), max(t.dim(), 1))


def pick_k(t, r, dim, size_of):
    n = size_of
    return r.randrange(0, max(n, 1))


# name -> (torch function, argument generator(r, x, others) -> list of args). Args may hold
# variables as ("v", name): the generator chooses them among live variables.
def _split_pick(x, size, dim, k):
    parts = x.split(size, dim)
    return parts[k % len(parts)]


def _chunk_pick(x, n, dim, k):
    parts = x.chunk(n, dim)
    return parts[k % len(parts)]


def _unbind_pick(x, dim, k):
    parts = x.unbind(dim)
    return parts[k % len(parts)]


class _MeanDim(torch.autograd.Function):
    """mean over a dim as PyTorch 2.x records it: its node saves the input's sizes, not the input.
    1.13's MeanBackward1 saves the input, so a second backward or an in-place change of the input
    raises there and not in 2.x (derivatives.yaml, mean.dim: mean_backward(grad, self.sym_sizes(), dim,
    self.sym_numel(), keepdim)); the engine follows 2.x."""

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ctx.shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        return x.mean(dim, keepdim)

    @staticmethod
    def backward(ctx, g):
        n = ctx.shape[ctx.dim] if len(ctx.shape) > 0 else 1
        if not ctx.keepdim and len(ctx.shape) > 0:
            g = g.unsqueeze(ctx.dim)
        return g.expand(ctx.shape) / n, None, None


def _mean(x, *a):
    if not a:
        return x.mean()
    with torch.no_grad():
        x.mean(*a)  # PyTorch's own argument checks and errors
    return _MeanDim.apply(x, a[0], a[1] if len(a) > 1 else False)


def scalar(r):
    return r.choice([2.0, -1.5, 0.5, 3.0, 1.0, 0.0])


OPS = {
    # elementwise
    "exp": (lambda x: x.exp(), lambda r, x, o: []),
    "tanh": (lambda x: x.tanh(), lambda r, x, o: []),
    "sigmoid": (lambda x: x.sigmoid(), lambda r, x, o: []),
    "relu": (lambda x: x.relu(), lambda r, x, o: []),
    "neg": (lambda x: x.neg(), lambda r, x, o: []),
    "abs": (lambda x: x.abs(), lambda r, x, o: []),
    "sin": (lambda x: x.sin(), lambda r, x, o: []),
    "square": (lambda x: x.square(), lambda r, x, o: []),
    "sign": (lambda x: x.sign(), lambda r, x, o: []),
    "gelu": (lambda x: torch.nn.functional.gelu(x), lambda r, x, o: []),
    "leakyRelu": (lambda x, s: torch.nn.functional.leaky_relu(x, s), lambda r, x, o: [0.2]),
    "clamp": (lambda x, lo, hi: x.clamp(lo, hi), lambda r, x, o: [-0.5, 0.5]),
    "pow": (lambda x, e: x.pow(e), lambda r, x, o: [r.choice([2, 3])]),
    "add": (lambda x, y: x.add(y), lambda r, x, o: [r.choice([("v", o), scalar(r)])]),
    "sub": (lambda x, y: x.sub(y), lambda r, x, o: [r.choice([("v", o), scalar(r)])]),
    "mul": (lambda x, y: x.mul(y), lambda r, x, o: [r.choice([("v", o), scalar(r)])]),
    "div": (lambda x, y: x.div(y), lambda r, x, o: [r.choice([2.0, -4.0, 0.5])]),
    "maximum": (lambda x, y: x.maximum(y), lambda r, x, o: [("v", o)]),
    "matmul": (lambda x, y: x.matmul(y), lambda r, x, o: [("v", o)]),
    # reductions
    "sum": (lambda x, *a: x.sum(*a), lambda r, x, o: r.choice([[], [rnd_dim(x, r), r.random() < 0.5]])),
    "mean": (_mean, lambda r, x, o: r.choice([[], [rnd_dim(x, r), r.random() < 0.5]])),
    "amax": (lambda x, d, k: x.amax(d, k), lambda r, x, o: [rnd_dim(x, r), r.random() < 0.5]),
    "maxValues": (lambda x, d, k: x.max(d, k).values, lambda r, x, o: [rnd_dim(x, r), r.random() < 0.5]),
    "std": (lambda x, d: x.std(d), lambda r, x, o: [rnd_dim(x, r)]),
    "var": (lambda x, d: x.var(d), lambda r, x, o: [rnd_dim(x, r)]),
    "softmax": (lambda x, d: x.softmax(d), lambda r, x, o: [rnd_dim(x, r)]),
    "logSoftmax": (lambda x, d: x.log_softmax(d), lambda r, x, o: [rnd_dim(x, r)]),
    # views and shape
    "view": (lambda x, s: x.view(s), lambda r, x, o: [r.choice([[-1], [x.numel(), 1], [1, -1]])]),
    "reshape": (lambda x, s: x.reshape(s), lambda r, x, o: [r.choice([[-1], [1, -1]])]),
    "transpose": (lambda x, a, b: x.transpose(a, b), lambda r, x, o: [rnd_dim(x, r), rnd_dim(x, r)]),
    "t": (lambda x: x.t(), lambda r, x, o: []),
    "unsqueeze": (lambda x, d: x.unsqueeze(d), lambda r, x, o: [r.randrange(-x.dim() - 1, x.dim() + 1)]),
    "squeeze": (lambda x, *d: x.squeeze(*d), lambda r, x, o: r.choice([[], [rnd_dim(x, r)]])),
    "select": (lambda x, d, i: x.select(d, i), lambda r, x, o: [rnd_dim(x, r), r.choice([0, -1, 1])]),
    "narrow": (lambda x, d, s, n: x.narrow(d, s, n), lambda r, x, o: [rnd_dim(x, r), r.choice([0, 1]), 1]),
    "expand": (lambda x, s: x.expand(s), lambda r, x, o: [[r.choice([2, 3])] + list(x.shape) if r.random() < 0.6 else list(x.shape)]),
    "flatten": (lambda x, *a: x.flatten(*a), lambda r, x, o: r.choice([[], [0, 0], [rnd_dim(x, r), -1]])),
    "splitPick": (_split_pick, lambda r, x, o: [r.choice([1, 2]), rnd_dim(x, r), r.randrange(3)]),
    "chunkPick": (_chunk_pick, lambda r, x, o: [2, rnd_dim(x, r), r.randrange(2)]),
    "unbindPick": (_unbind_pick, lambda r, x, o: [rnd_dim(x, r), r.randrange(3)]),
    "clone": (lambda x: x.clone(), lambda r, x, o: []),
    "detach": (lambda x: x.detach(), lambda r, x, o: []),
    "contiguous": (lambda x: x.contiguous(), lambda r, x, o: []),
    "double": (lambda x: x.double(), lambda r, x, o: []),
    "float": (lambda x: x.float(), lambda r, x, o: []),
    "indexSelect": (lambda x, d, i: x.index_select(d, torch.tensor(i)), lambda r, x, o: [rnd_dim(x, r), [0, 0]]),
    "sumAll": (lambda x: x.sum(), lambda r, x, o: []),
}

# Ops only the hand-written corner programs use (not drawn by the random generator).
CORNER_OPS = {
    "mm": lambda x, y: x.mm(y),
    "mv": lambda x, y: x.mv(y),
    "dot": lambda x, y: x.dot(y),
    "catWith": lambda x, y: torch.cat([x, y]),
    "gather": lambda x, d, i: x.gather(d, torch.tensor(i)),
    "sumDims": lambda x, dims: x.sum(dims),
    "maskedFill": lambda x, m, v: x.masked_fill(torch.tensor(m), v),
    "expandAs": lambda x, y: x.expand_as(y),
    "crossEntropyProbs": lambda x, y, ignore: torch.nn.functional.cross_entropy(x, y, ignore_index=ignore),
}

INPLACE = {
    "add_": (lambda x, y: x.add_(y), lambda r, x, o: [r.choice([("v", o), scalar(r)])]),
    "mul_": (lambda x, y: x.mul_(y), lambda r, x, o: [r.choice([("v", o), scalar(r)])]),
    "relu_": (lambda x: x.relu_(), lambda r, x, o: []),
    "neg_": (lambda x: x.neg_(), lambda r, x, o: []),
    "clamp_": (lambda x, lo, hi: x.clamp_(lo, hi), lambda r, x, o: [-0.5, 0.5]),
    "copy_": (lambda x, y: x.copy_(y), lambda r, x, o: [("v", o)]),
    "zero_": (lambda x: x.zero_(), lambda r, x, o: []),
    "detach_": (lambda x: x.detach_(), lambda r, x, o: []),
}

# Messages of steps autograd rejects: these end a program as its expected error. Any other
# exception means the generated arguments were invalid, and the step is dropped.
AUTOGRAD_ERRORS = (
    "a leaf Variable that requires grad",
    "a view of a leaf Variable",
    "modified by an inplace operation",
    "Trying to backward through the graph a second time",
    "does not require grad and does not have a grad_fn",
    "is a view and",
    "Output 0 of",
    "can't retain_grad on Tensor",
    "you can only change requires_grad flags of leaf variables",
    "Can't detach views in-place",
    "more than one element of the written-to tensor refers to a single memory location",
)


def resolve(args, env):
    return [env[a[1]] if isinstance(a, tuple) else a for a in args]


def encode_args(args):
    return [{"v": a[1]} if isinstance(a, tuple) else a for a in args]


def num(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float("%.7g" % v)


def values(t):
    return [num(float(v)) for v in t.detach().reshape(-1).tolist()]


def snapshot(env, retained):
    out = {}
    for name, t in env.items():
        try:
            t.is_leaf
        except RuntimeError:
            # a no-grad view whose base was modified in place with grad on: PyTorch refuses to say
            out[name] = {"unreadable": True}
            continue
        grad = None
        if t.is_leaf or name in retained:
            grad = None if t.grad is None else values(t.grad)
        out[name] = {
            "rg": t.requires_grad, "leaf": t.is_leaf, "shape": list(t.shape),
            "dtype": str(t.dtype).replace("torch.", ""), "value": values(t), "grad": grad,
        }
    return out


def safe(pred, t):
    try:
        return pred(t)
    except RuntimeError:
        return False


def grad_leaf(t):
    return t.is_leaf and t.requires_grad


def inplace_ok(t):
    return not grad_leaf(t) and not (t._base is not None and grad_leaf(t._base))


def first_line(e):
    return str(e).strip().split("\n")[0]


class Program:
    def __init__(self, seed):
        self.r = random.Random(seed)
        torch.manual_seed(seed)
        self.steps = []
        self.env = {}
        self.retained = set()
        self.error = None
        self.abandoned = False
        self.n = 0

    def fresh(self):
        name = "v%d" % self.n
        self.n += 1
        return name

    def run(self, step, fn):
        """Runs fn (the step in torch); returns False when the step was dropped."""
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - classify below
            msg = first_line(e)
            if any(p in msg for p in AUTOGRAD_ERRORS):
                self.steps.append(step)
                self.error = {"step": len(self.steps) - 1, "message": msg}
                return True
            if step["k"] == "backward":
                # a backward that failed half-way (a 1.13 bug such as index_select's on 0-d tensors) has
                # freed nodes and written grads: dropping it would leave state no replay reproduces
                self.abandoned = True
            return False
        self.steps.append(step)
        return True

    def leaf(self):
        r = self.r
        shape = r.choice(SHAPES)
        dtype = r.choice([torch.float32, torch.float64])
        data = [round(r.uniform(-2, 2), 3) for _ in range(max(1, math.prod(shape)) if shape else 1)]
        rg = r.random() < 0.85
        t = torch.tensor(data, dtype=dtype).reshape(shape).clone().requires_grad_(rg)
        name = self.fresh()
        self.env[name] = t
        self.steps.append({"k": "leaf", "out": name, "shape": shape, "dtype": str(dtype).replace("torch.", ""),
                           "data": data, "rg": rg})

    def pick(self, pred=None):
        """A live variable, recent ones likelier; with pred, one satisfying it 9 times in 10 (the
        tenth tries the error paths)."""
        names = list(self.env)
        if pred is not None and self.r.random() < 0.9:
            names = [n for n in names if safe(pred, self.env[n])] or names
        # prefer recent variables, so that programs are chains
        weights = [1 + i * i for i in range(len(names))]
        return self.r.choices(names, weights)[0]

    def op(self, table, inplace=False):
        r = self.r
        fn = r.choice(sorted(table))
        x = self.pick(inplace_ok if inplace else None)
        if fn == "detach_" and self.env[x]._base is not None and r.random() < 0.8:
            return
        other = self.pick()
        torch_fn, gen = table[fn]
        try:
            args = gen(r, self.env[x], other)
        except ValueError:
            return
        vals = resolve(args, self.env)
        if inplace:
            step = {"k": "inplace", "fn": fn, "x": x, "args": encode_args(args)}
            self.run(step, lambda: torch_fn(self.env[x], *vals))
        else:
            name = "v%d" % self.n
            step = {"k": "op", "out": name, "fn": fn, "x": x, "args": encode_args(args)}

            def go():
                self.env[name] = torch_fn(self.env[x], *vals)
            if self.run(step, go) and self.error is None:
                self.n += 1

    def backward(self, create=False):
        r = self.r
        x = self.pick(lambda t: t.requires_grad)
        retain = create or r.random() < 0.4
        step = {"k": "backward", "x": x, "retain": retain, "create": create}
        self.run(step, lambda: self.env[x].sum().backward(retain_graph=retain, create_graph=create))

    def generate(self):
        r = self.r
        for _ in range(r.choice([1, 2, 2, 3])):
            self.leaf()
        length = r.randint(3, 12)
        grad_off = False
        while len(self.steps) < length + 3 and self.error is None and not self.abandoned:
            roll = r.random()
            if roll < 0.55:
                self.op(OPS)
            elif roll < 0.72:
                self.op(INPLACE, inplace=True)
            elif roll < 0.78:
                grad_off = not grad_off
                self.steps.append({"k": "gradMode", "on": not grad_off})
                torch.set_grad_enabled(not grad_off)
            elif roll < 0.84:
                x = self.pick(lambda t: t.requires_grad)
                if self.env[x]._base is not None:
                    continue  # torch 1.13 can crash on retain_grad() of a view rebased by an in-place op
                step = {"k": "retainGrad", "x": x}
                if self.run(step, lambda: self.env[x].retain_grad()) and self.error is None:
                    self.retained.add(x)
            elif roll < 0.87:
                x = self.pick(lambda t: t.is_leaf)
                flag = r.random() < 0.5
                self.run({"k": "requiresGrad_", "x": x, "flag": flag}, lambda: self.env[x].requires_grad_(flag))
            elif roll < 0.95:
                self.backward(create=r.random() < 0.25)
            else:
                x = self.pick()
                if self.env[x].grad is not None:
                    name = self.fresh()
                    self.env[name] = self.env[x].grad
                    self.steps.append({"k": "gradOf", "out": name, "x": x})
        if self.error is None:
            if grad_off:
                self.steps.append({"k": "gradMode", "on": True})
                torch.set_grad_enabled(True)
            self.backward(create=r.random() < 0.2)
        if self.error is None and r.random() < 0.5:
            # second order: differentiate a gradient (or a second backward through a retained graph)
            leaves = [n for n, t in self.env.items() if t.grad is not None and t.grad.requires_grad]
            if leaves:
                x = r.choice(leaves)
                name = self.fresh()
                self.env[name] = self.env[x].grad
                self.steps.append({"k": "gradOf", "out": name, "x": x})
                self.op(OPS)
                self.backward()
            else:
                self.backward()
        torch.set_grad_enabled(True)
        return {"name": "random %d" % self.seed_name, "steps": self.steps,
                "expect": {"error": self.error, "vars": snapshot(self.env, self.retained)}}


def exec_step(st, env, retained):
    k = st["k"]
    args = [env[a["v"]] if isinstance(a, dict) else a for a in st.get("args", [])]
    if k == "leaf":
        dtype = getattr(torch, st["dtype"])
        env[st["out"]] = torch.tensor(st["data"], dtype=dtype).reshape(st["shape"]).clone().requires_grad_(st["rg"])
    elif k == "op":
        fn = OPS[st["fn"]][0] if st["fn"] in OPS else CORNER_OPS[st["fn"]]
        env[st["out"]] = fn(env[st["x"]], *args)
    elif k == "inplace":
        INPLACE[st["fn"]][0](env[st["x"]], *args)
    elif k == "gradMode":
        torch.set_grad_enabled(st["on"])
    elif k == "retainGrad":
        env[st["x"]].retain_grad()
        retained.add(st["x"])
    elif k == "requiresGrad_":
        env[st["x"]].requires_grad_(st["flag"])
    elif k == "backward":
        env[st["x"]].sum().backward(retain_graph=st["retain"], create_graph=st["create"])
    elif k == "gradOf":
        env[st["out"]] = env[st["x"]].grad


def replay(name, steps):
    """Runs hand-written steps in torch; any exception is the expected error."""
    env, retained, error = {}, set(), None
    try:
        for i, st in enumerate(steps):
            try:
                exec_step(st, env, retained)
            except Exception as e:  # noqa: BLE001 - the expected error, whatever it is
                error = {"step": i, "message": first_line(e)}
                break
    finally:
        torch.set_grad_enabled(True)
    return {"name": name, "steps": steps, "expect": {"error": error, "vars": snapshot(env, retained)}}


def L(out, data, shape, dtype="float64", rg=True):
    return {"k": "leaf", "out": out, "shape": shape, "dtype": dtype, "data": data, "rg": rg}


def O(out, fn, x, *args):
    return {"k": "op", "out": out, "fn": fn, "x": x, "args": list(args)}


def I(fn, x, *args):
    return {"k": "inplace", "fn": fn, "x": x, "args": list(args)}


def B(x, retain=None, create=False):
    return {"k": "backward", "x": x, "retain": create if retain is None else retain, "create": create}


def V(name):
    return {"v": name}


X22 = [1.0, 2.0, 3.0, 4.0]
# The corner cases (issue 14, items 1-9 and "Missing errors"), each with PyTorch's values.
CORNERS = [
    ("1 view made stale by in-place through another view", [
        L("x", X22, [2, 2]), O("y", "mul", "x", 1.0), O("r", "select", "y", 0, 0), O("c", "select", "y", 1, 0),
        I("mul_", "r", 3.0), B("c")]),
    ("1 view made stale by in-place on the base", [
        L("x", [1.0, 2.0], [2]), O("y", "mul", "x", 1.0), O("v", "view", "y", [2, 1]), I("mul_", "y", 5.0), B("v")]),
    ("2 0-d sum(0) mean(-1) amax(0) max(0)", [
        L("x", [2.0], []), O("s", "sum", "x", 0), O("m", "mean", "x", -1), O("a", "amax", "x", 0, False),
        O("mx", "maxValues", "x", 0, False), O("t", "add", "s", V("m")), O("u", "add", "a", V("mx")), O("w", "add", "t", V("u")), B("w")]),
    ("2 0-d softmax(0) and logSoftmax(0) gradient", [
        L("x", [2.0], []), O("p", "softmax", "x", 0), O("l", "logSoftmax", "x", 0), B("l", retain=True)]),
    ("2 0-d transpose(0, -1)", [L("x", [2.0], []), O("t", "transpose", "x", 0, -1), B("t")]),
    ("2 0-d select raises", [L("x", [2.0], []), O("t", "select", "x", 0, 0)]),
    ("2 0-d narrow raises", [L("x", [2.0], []), O("t", "narrow", "x", 0, 0, 1)]),
    ("2 0-d unbind raises", [L("x", [2.0], []), O("t", "unbindPick", "x", 0, 0)]),
    ("2 0-d indexSelect", [L("x", [2.0], []), O("t", "indexSelect", "x", 0, [0])]),
    ("3 second order through tanh", [
        L("x", [0.5, -1.0], [2]), O("y", "tanh", "x"), B("y", create=True), {"k": "gradOf", "out": "g", "x": "x"},
        O("h", "mul", "g", V("g")), B("h")]),
    ("3 second order through select and sigmoid", [
        L("x", X22, [2, 2]), O("s", "select", "x", 0, 1), O("y", "sigmoid", "s"), B("y", create=True),
        {"k": "gradOf", "out": "g", "x": "x"}, O("h", "square", "g"), B("h")]),
    ("3 second order through std", [
        L("x", [1.0, 2.0, 4.0], [3]), O("y", "std", "x", 0), B("y", create=True),
        {"k": "gradOf", "out": "g", "x": "x"}, O("h", "square", "g"), B("h")]),
    ("4 std of a constant has gradient 0", [L("x", [1.0, 1.0, 1.0], [3]), O("y", "std", "x", 0), B("y")]),
    ("4 clamp at the bounds", [L("x", [-0.5, 0.0, 0.5, 1.0], [4]), O("y", "clamp", "x", -0.5, 0.5), B("y")]),
    ("4 relu at 0 and max ties", [
        L("x", [0.0, 1.0, 1.0], [3]), O("y", "relu", "x"), O("m", "maxValues", "x", 0, False), O("z", "add", "m", V("y")), B("z")]),
    ("4 sign of NaN is 0", [L("x", [0.0, 1.0], [2]), O("n", "div", "x", 0.0), O("s", "sign", "n"), B("s")]),
    ("5 gradients cast to each input's dtype", [
        L("x", [1.0, 2.0], [2], "float32"), O("d", "double", "x"), {"k": "retainGrad", "x": "d"}, O("y", "mul", "d", 3.0), B("y")]),
    ("5 retainGrad before an in-place op reports the new version's gradient", [
        L("x", [1.0, 2.0], [2]), O("y", "mul", "x", 2.0), {"k": "retainGrad", "x": "y"}, I("mul_", "y", 3.0), B("y")]),
    ("6 copy_ gives the overwritten history zeros", [
        L("x", [1.0, 2.0], [2]), L("w", [5.0, 6.0], [2]), O("y", "mul", "x", 1.0), O("z", "mul", "w", 2.0), I("copy_", "y", V("z")), B("y")]),
    ("6 copy_ from a source that does not broadcast raises", [
        L("x", [1.0, 2.0, 3.0], [3]), L("w", [5.0, 6.0], [2]), O("y", "mul", "x", 1.0), I("copy_", "y", V("w"))]),
    ("7 requiresGrad_(false) on a used leaf: no grad", [
        L("x", X22, [2, 2]), L("w", X22, [2, 2]), O("y", "mm", "x", V("w")), {"k": "requiresGrad_", "x": "w", "flag": False}, B("y")]),
    ("8 views made under noGrad", [
        L("x", X22, [2, 2]), O("y", "mul", "x", 2.0), {"k": "gradMode", "on": False}, O("v", "view", "y", [-1]),
        O("w", "transpose", "x", 0, 1), {"k": "gradMode", "on": True}, O("z", "add", "y", 1.0), B("z")]),
    ("8 in-place on a noGrad view with grad mode on raises", [
        L("x", X22, [2, 2]), O("y", "mul", "x", 2.0), {"k": "gradMode", "on": False}, O("v", "view", "y", [-1]),
        {"k": "gradMode", "on": True}, I("mul_", "v", 2.0)]),
    ("8 views of a detach() result", [
        L("x", X22, [2, 2]), O("d", "detach", "x"), O("v", "view", "d", [-1]), I("mul_", "v", 2.0), O("y", "mul", "x", 1.0), B("y")]),
    ("9 same-shape expand is a new view; flatten of 1-D is the input", [
        L("x", [1.0, 2.0], [2]), O("e", "expand", "x", [2]), O("f", "flatten", "x"), O("g", "flatten", "e", 0, 0), O("y", "mul", "e", V("f")), B("y")]),
    ("missing error: mixed float32/float64 mm", [L("a", X22, [2, 2], "float32"), L("b", X22, [2, 2]), O("y", "mm", "a", V("b"))]),
    ("missing error: mixed float32/float64 matmul", [L("a", X22, [2, 2], "float32"), L("b", [1.0, 2.0], [2]), O("y", "matmul", "a", V("b"))]),
    ("missing error: mixed float32/float64 dot", [L("a", [1.0, 2.0], [2], "float32"), L("b", [1.0, 2.0], [2]), O("y", "dot", "a", V("b"))]),
    ("missing error: in-place on a split output", [L("x", X22, [4]), O("y", "mul", "x", 1.0), O("p", "splitPick", "y", 2, 0, 1), I("mul_", "p", 2.0)]),
    ("missing error: in-place on a view of an unbind output", [
        L("x", X22, [2, 2]), O("y", "mul", "x", 1.0), O("p", "unbindPick", "y", 0, 1), O("q", "view", "p", [2, 1]), I("mul_", "q", 2.0)]),
    ("missing error: in-place into expanded memory", [L("x", [1.0, 2.0], [2], rg=False), O("e", "expand", "x", [3, 2]), I("mul_", "e", 2.0)]),
    ("missing error: in-place after an op that saved its output", [
        L("x", [1.0, 2.0], [2]), O("y", "mul", "x", 1.0), O("z", "exp", "y"), I("mul_", "z", 2.0), B("z")]),
    ("missing error: cat of 0-d tensors", [L("a", [1.0], []), L("b", [2.0], []), O("y", "catWith", "a", V("b"))]),
    ("missing error: index_select out of range", [L("x", X22, [2, 2]), O("y", "indexSelect", "x", 0, [5])]),
    ("missing error: gather out of range", [L("x", X22, [2, 2]), O("y", "gather", "x", 1, [[5], [0]])]),
    ("missing error: mv sizes", [L("a", X22, [2, 2]), L("b", [1.0, 2.0, 3.0], [3]), O("y", "mv", "a", V("b"))]),
    ("missing error: duplicate dims in a reduction", [L("x", X22, [2, 2]), O("y", "sumDims", "x", [0, 0])]),
    ("missing error: cross-entropy with probability targets and ignoreIndex", [
        L("x", X22, [2, 2]), L("p", [0.5, 0.5, 0.25, 0.75], [2, 2], rg=False), O("y", "crossEntropyProbs", "x", V("p"), 1)]),
    ("maskedFill with a mask broadcasting to a larger result", [
        L("x", [1.0, 2.0], [2]), O("y", "maskedFill", "x", [[True, False], [False, True]], 0.0), B("y")]),
    ("matmul results are not views: detach_ works", [
        L("a", [1.0, 2.0], [2]), L("b", X22, [2, 2]), O("y", "matmul", "a", V("b")), I("detach_", "y")]),
]


def main():
    programs = [replay("corner " + name, steps) for name, steps in CORNERS]
    for i in range(N_PROGRAMS):
        p = Program(i)
        p.seed_name = i
        program = p.generate()
        if not p.abandoned:
            programs.append(program)
    doc = {"file": "autograd_corpus", "torchVersion": torch.__version__, "generator": "scripts/make_autograd_corpus.py",
           "notes": "random programs; see the script's docstring for the format", "programs": programs}
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    errors = sum(1 for p in programs if p["expect"]["error"])
    for p in programs[:len(CORNERS)]:
        print(p["name"], "->", p["expect"]["error"])
    print("%d programs (%d end in an autograd error) -> %s" % (len(programs), errors, OUT))


if __name__ == "__main__":
    main()
