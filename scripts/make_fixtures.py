#!/usr/bin/env python3
"""Generate PyTorch oracle fixtures for GradLens' autograd engine tests.

Regenerate with (Debian's python3-torch, CPU):

    /usr/bin/python3 scripts/make_fixtures.py

Writes test/fixtures/torch/{ops,article,nn,optim,memory,gan}.json. The script
is deterministic and idempotent: fixed seeds, single thread, no raw pointers or
timestamps in the output, so re-running produces byte-identical files.

==============================================================================
JSON FORMAT
==============================================================================
Every file is one object:

    {"file": "ops", "torchVersion": "1.13.0a0", "generator": "scripts/make_fixtures.py",
     "notes": "...", "cases": [ CASE, CASE, ... ]}

TENSOR (used everywhere):

    {"shape": [2, 3], "dtype": "float64", "data": [ ...flat, row-major (C order)... ]}

  * dtype is "float64", "float32", "int64" or "bool" (data are JSON numbers or
    true/false). A 0-d tensor has "shape": [] and a one-element "data".
  * Floats are written with Python's repr, i.e. the shortest string that
    round-trips to the exact float64 value (JSON.parse gives the same double).
  * INPUT tensors additionally carry "requiresGrad": true/false.
  * Where a gradient is None in PyTorch (leaf not reached / does not require
    grad) the JSON value is null.

------------------------------------------------------------------------------
ops.json   CASE = {
    "name": unique id, e.g. "add_broadcast_2x3_3",
    "op":   PyTorch function / method name ("add", "matmul", "sum", "T", ...),
    "expr": human-readable Python expression, inputs named a, b, c, ... in order,
    "kwargs": non-tensor arguments using PyTorch's parameter names
              (dim, keepdim, unbiased, exponent, min, max, negative_slope,
              approximate, shape, start_dim, end_dim, start, length, index (int,
              for select), split_size_or_sections, chunks, ...).
              Scalar operands of binary ops: {"scalar": 2.5, "scalarFirst": false}
              means  a <op> 2.5 ; "scalarFirst": true means  2.5 <op> a.
    "inputs": [INPUT TENSOR, ...]  tensor arguments in PyTorch positional order
              (e.g. where: [condition, input, other]; index_select / gather:
              [input, index]; cat / stack: the tensors of the list).
    Single-output ops:  "output": TENSOR, "upstream": TENSOR | null
    Multi-output ops (max/min along a dim -> [values, indices]; split; chunk):
                        "outputs": [TENSOR...], "upstreams": [TENSOR | null ...]
    "grads": [TENSOR | null, ...]  parallel to "inputs";
             grads[i] = d( sum_k sum(output_k * upstream_k) ) / d inputs[i]
             (integer/bool outputs get upstream null and do not contribute).
             For outputs-only ops (eq, gt, lt, argmax) upstream is null and all
             grads are null.
  }

------------------------------------------------------------------------------
nn.json    CASE = {
    "name", "kind": "module" | "functional",
    "module": nn class name (kind=module) | "op": torch.nn.functional name (kind=functional),
    "kwargs": constructor kwargs (module) / non-tensor kwargs (functional),
    "mode": "train" | "eval",
    "params":  {"weight": TENSOR, "bias": TENSOR, ...} values used (module only, PyTorch names),
    "buffers": {"running_mean": ..., "running_var": ..., "num_batches_tracked": ...} before forward,
    "tensorKwargs": {"weight": TENSOR, "pos_weight": TENSOR} (functional losses; never require grad),
    "inputs": [INPUT TENSOR, ...]   (losses: [input, target]),
    "output": TENSOR, "upstream": TENSOR,
    "grads": [TENSOR | null ...]  parallel to inputs, d sum(output*upstream) / d input,
    "paramGrads": {"weight": TENSOR, "bias": TENSOR, ...},
    "buffersAfter": {...} buffers after the forward (train-mode BatchNorm updates them)
  }
  For scalar losses upstream is the 0-d tensor 1.0, i.e. plain loss.backward().
  Layers use a fixed random upstream.

------------------------------------------------------------------------------
optim.json CASE (optimizer) = {
    "name", "kind": "optimizer", "optimizer": "SGD" | "Adam" | "AdamW" | "RMSprop",
    "kwargs": constructor kwargs (all hyper-parameters explicit),
    "params": [TENSOR [3], TENSOR [2,2]]   initial values (float64),
    "steps": [ {"grads": [TENSOR, TENSOR], "params": [TENSOR, TENSOR]} x 3 ]
             at each step the given grads are assigned to p.grad, then
             optimizer.step(); "params" are the values after that step.
  }
  CASE (scheduler) = {
    "name", "kind": "scheduler", "scheduler": "StepLR" | ..., "kwargs": {...},
    "lambda": "0.95 ** epoch" (LambdaLR only, as text),
    "optimizer": "SGD", "initialLr": 0.1,
    "lrs": [lr for epoch 0, 1, ..., 7]   (param_groups[0]["lr"] before the
           k-th scheduler.step(); lrs[0] == initialLr; optimizer.step() is
           called before every scheduler.step())
  }

------------------------------------------------------------------------------
article.json, memory.json, gan.json: scenario-specific, every case has
"name" and "description" explaining exactly what was run; all tensors use
the TENSOR format; parameters are in {"lin0": {"weight": T, "bias": T}, ...}
maps, gradients in the same shape of map with null for None.

memory.json packed-tensor entries:
    {"index": pack order, "gradFn": name of the grad_fn that saved it,
     "attr": "_saved_mat1" etc., "shape", "dtype", "nbytes" (numel*element_size),
     "storageId": small int, equal for tensors sharing one storage (dedup key;
                  derived from data_ptr of the storage, numbered by first use),
     "isParam": true if the storage is a module parameter's, "param": "A.0.weight" | null}
==============================================================================
"""

import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_printoptions(precision=17)

F64 = torch.float64
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "test", "fixtures", "torch")
GENERATOR = "scripts/make_fixtures.py"


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------

def dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def T(t):
    """Tensor -> JSON object (None -> None)."""
    if t is None:
        return None
    t = t.detach()
    data = t.reshape(-1).tolist()
    if t.is_floating_point():
        for v in data:
            if not math.isfinite(v):
                raise ValueError("non-finite value in fixture")
    return {"shape": list(t.shape), "dtype": dtype_name(t), "data": data}


def TI(t, requires_grad):
    d = T(t)
    d["requiresGrad"] = bool(requires_grad)
    return d


def R(*shape):
    return torch.randn(list(shape), dtype=F64)


def P(*shape):
    """positive values in [0.5, 2.0)"""
    return torch.rand(list(shape), dtype=F64) * 1.5 + 0.5


def tt(data, dtype=F64):
    return torch.tensor(data, dtype=dtype)


def shp(s):
    return "x".join(str(d) for d in s) if len(s) else "0d"


def write(name, cases, notes):
    os.makedirs(OUT_DIR, exist_ok=True)
    names = [c["name"] for c in cases]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError("duplicate case names in %s: %s" % (name, sorted(dup)))
    head = {
        "file": name,
        "torchVersion": torch.__version__,
        "generator": GENERATOR,
        "notes": notes,
    }
    body = ",\n".join(json.dumps(c, allow_nan=False, separators=(",", ":")) for c in cases)
    text = json.dumps(head, allow_nan=False)[:-1] + ',"cases":[\n' + body + "\n]}\n"
    path = os.path.join(OUT_DIR, name + ".json")
    with open(path, "w") as f:
        f.write(text)
    print("wrote %s: %d cases, %d bytes" % (path, len(cases), len(text)))


def backward_with_upstream(outs):
    """outs: list of output tensors. Returns upstream list (None for non-float)."""
    ups = []
    total = None
    for o in outs:
        if o.is_floating_point():
            u = torch.randn(o.shape, dtype=o.dtype)
            ups.append(u)
            if o.requires_grad:
                term = (o * u).sum()
                total = term if total is None else total + term
        else:
            ups.append(None)
    if total is not None:
        total.backward()
    return ups, total is not None


# ----------------------------------------------------------------------------
# ops.json
# ----------------------------------------------------------------------------

def make_ops():
    torch.manual_seed(1234)
    cases = []
    letters = "abcdefgh"

    def case(name, op, fn, inputs, kwargs=None, expr=None, grad=True, requires=None):
        leaves = []
        for i, x in enumerate(inputs):
            rg = (requires[i] if requires is not None else grad) and x.is_floating_point()
            leaves.append(x.detach().clone().requires_grad_(rg))
        out = fn(*leaves)
        multi = isinstance(out, (tuple, list))
        outs = list(out) if multi else [out]
        if grad:
            ups, did = backward_with_upstream(outs)
        else:
            ups, did = [None] * len(outs), False
        rec = {
            "name": name,
            "op": op,
            "expr": expr or "",
            "kwargs": kwargs or {},
            "inputs": [TI(x, x.requires_grad) for x in leaves],
        }
        if multi:
            rec["outputs"] = [T(o) for o in outs]
            rec["upstreams"] = [T(u) for u in ups]
        else:
            rec["output"] = T(outs[0])
            rec["upstream"] = T(ups[0])
        rec["grads"] = [T(x.grad) if x.requires_grad else None for x in leaves]
        cases.append(rec)

    # --- binary arithmetic with broadcasting --------------------------------
    binops = {
        "add": (torch.add, "+"),
        "sub": (torch.sub, "-"),
        "mul": (torch.mul, "*"),
        "div": (torch.div, "/"),
    }
    shape_pairs = [
        ([2, 3], [2, 3]),
        ([2, 3], [3]),
        ([3], [2, 3]),
        ([2, 1, 3], [4, 1]),
        ([2, 3], [1]),
        ([2, 3], []),       # 0-d tensor operand
        ([3, 1], [1, 4]),
    ]
    for op, (fn, sym) in binops.items():
        for sa, sb in shape_pairs:
            a = R(*sa)
            b = P(*sb) if op == "div" else R(*sb)
            kind = "same" if sa == sb else "broadcast"
            case("%s_%s_%s_%s" % (op, kind, shp(sa), shp(sb)), op, fn, [a, b],
                 expr="a %s b" % sym)
        for s, first in ((2.5, False), (2.5, True), (-0.75, False)):
            a = P(2, 3) if (op == "div" and first) else R(2, 3)
            tag = ("scalar_first_" if first else "scalar_") + ("neg" if s < 0 else "pos")
            if first:
                f = (lambda x, s=s, fn=fn: fn(torch.tensor(s, dtype=F64), x))
                e = "%r %s a" % (s, sym)
            else:
                f = (lambda x, s=s, fn=fn: fn(x, s))
                e = "a %s %r" % (sym, s)
            case("%s_%s_2x3" % (op, tag), op, f, [a],
                 kwargs={"scalar": s, "scalarFirst": first}, expr=e)
    # same tensor used twice (gradient accumulation through two paths)
    case("mul_self_2x3", "mul", lambda x: x * x, [R(2, 3)], expr="a * a")
    case("add_self_2x3", "add", lambda x: x + x, [R(2, 3)], expr="a + a")

    # --- unary ----------------------------------------------------------------
    case("neg_2x3", "neg", torch.neg, [R(2, 3)], expr="-a")
    for e in (2, 3, 0.5, -1, 0):
        a = P(2, 3)
        case("pow_scalar_%s_2x3" % str(e).replace(".", "p").replace("-", "m"), "pow",
             lambda x, e=e: torch.pow(x, e), [a], kwargs={"exponent": e}, expr="a ** %r" % e)
    case("pow_scalar_2_negative_inputs", "pow", lambda x: x ** 2, [R(2, 3)],
         kwargs={"exponent": 2}, expr="a ** 2")
    case("pow_scalar_3_negative_inputs", "pow", lambda x: x ** 3, [R(2, 3)],
         kwargs={"exponent": 3}, expr="a ** 3")
    case("pow_tensor_2x3_2x3", "pow", torch.pow, [P(2, 3), R(2, 3)], expr="a ** b")
    case("pow_tensor_broadcast_2x3_3", "pow", torch.pow, [P(2, 3), R(3)], expr="a ** b")
    case("pow_scalar_base_2x3", "pow", lambda x: torch.pow(2.0, x), [R(2, 3)],
         kwargs={"scalar": 2.0, "scalarFirst": True}, expr="2.0 ** a")
    case("exp_2x3", "exp", torch.exp, [R(2, 3)], expr="a.exp()")
    case("log_2x3", "log", torch.log, [P(2, 3)], expr="a.log()")
    case("sqrt_2x3", "sqrt", torch.sqrt, [P(2, 3)], expr="a.sqrt()")
    case("abs_2x3", "abs", torch.abs, [R(2, 3)], expr="a.abs()")
    case("tanh_2x3", "tanh", torch.tanh, [R(2, 3)], expr="a.tanh()")
    case("sigmoid_2x3", "sigmoid", torch.sigmoid, [R(2, 3)], expr="a.sigmoid()")
    case("relu_3x4", "relu", torch.relu, [R(3, 4)], expr="a.relu()")
    for s in (0.01, 0.2):
        case("leaky_relu_%s_3x4" % str(s).replace(".", "p"), "leaky_relu",
             lambda x, s=s: F.leaky_relu(x, s), [R(3, 4)],
             kwargs={"negative_slope": s}, expr="F.leaky_relu(a, %r)" % s)
    for ap in ("none", "tanh"):
        case("gelu_%s_3x4" % ap, "gelu", lambda x, ap=ap: F.gelu(x, approximate=ap),
             [R(3, 4) * 2], kwargs={"approximate": ap}, expr="F.gelu(a, approximate=%r)" % ap)
    case("clamp_min_3x4", "clamp", lambda x: torch.clamp(x, min=-0.5), [R(3, 4)],
         kwargs={"min": -0.5}, expr="a.clamp(min=-0.5)")
    case("clamp_max_3x4", "clamp", lambda x: torch.clamp(x, max=0.5), [R(3, 4)],
         kwargs={"max": 0.5}, expr="a.clamp(max=0.5)")
    case("clamp_both_3x4", "clamp", lambda x: torch.clamp(x, min=-0.5, max=0.5), [R(3, 4)],
         kwargs={"min": -0.5, "max": 0.5}, expr="a.clamp(-0.5, 0.5)")
    case("clamp_both_boundary_values", "clamp", lambda x: torch.clamp(x, min=-0.5, max=0.5),
         [tt([-1.0, -0.5, 0.0, 0.5, 1.0, 0.25])],
         kwargs={"min": -0.5, "max": 0.5}, expr="a.clamp(-0.5, 0.5)  # values exactly at min/max get grad")

    # --- where / maximum / minimum ------------------------------------------
    cond = torch.rand(2, 3) > 0.5
    case("where_2x3", "where", torch.where, [cond, R(2, 3), R(2, 3)], expr="torch.where(a, b, c)")
    cond = tt([True, False, True], torch.bool)
    case("where_broadcast_3_2x3_1", "where", torch.where, [cond, R(2, 3), R(1)],
         expr="torch.where(a, b, c)")
    for op, fn in (("maximum", torch.maximum), ("minimum", torch.minimum)):
        case("%s_2x3_2x3" % op, op, fn, [R(2, 3), R(2, 3)], expr="torch.%s(a, b)" % op)
        case("%s_broadcast_2x3_3" % op, op, fn, [R(2, 3), R(3)], expr="torch.%s(a, b)" % op)
        case("%s_ties_2x3" % op, op, fn,
             [tt([[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]]), tt([[1.0, 5.0, 3.0], [-2.0, 0.5, 1.0]])],
             expr="torch.%s(a, b)  # ties split the gradient evenly" % op)

    # --- matmul family --------------------------------------------------------
    mm_shapes = [
        ([4], [4]), ([3, 4], [4]), ([4], [4, 5]), ([3, 4], [4, 5]),
        ([2, 3, 4], [2, 4, 5]), ([2, 3, 4], [4, 5]), ([4], [2, 4, 5]), ([2, 3, 4], [4]),
        ([2, 1, 3, 4], [5, 4, 2]),
    ]
    for sa, sb in mm_shapes:
        case("matmul_%s_%s" % (shp(sa), shp(sb)), "matmul", torch.matmul, [R(*sa), R(*sb)],
             expr="a @ b")
    case("mm_3x4_4x5", "mm", torch.mm, [R(3, 4), R(4, 5)], expr="torch.mm(a, b)")
    case("bmm_2x3x4_2x4x5", "bmm", torch.bmm, [R(2, 3, 4), R(2, 4, 5)], expr="torch.bmm(a, b)")

    # --- reductions ---------------------------------------------------------------
    for op in ("sum", "mean"):
        fn = getattr(torch, op)
        case("%s_all_2x3x4" % op, op, fn, [R(2, 3, 4)], expr="a.%s()" % op)
        for d in (0, 1, 2, -1):
            case("%s_dim%s_2x3x4" % (op, str(d).replace("-", "m")), op,
                 lambda x, d=d, fn=fn: fn(x, dim=d), [R(2, 3, 4)],
                 kwargs={"dim": d}, expr="a.%s(dim=%d)" % (op, d))
        case("%s_dim1_keepdim_2x3x4" % op, op, lambda x, fn=fn: fn(x, dim=1, keepdim=True),
             [R(2, 3, 4)], kwargs={"dim": 1, "keepdim": True}, expr="a.%s(dim=1, keepdim=True)" % op)
        case("%s_dimlist_0_2_2x3x4" % op, op, lambda x, fn=fn: fn(x, dim=[0, 2]), [R(2, 3, 4)],
             kwargs={"dim": [0, 2]}, expr="a.%s(dim=[0, 2])" % op)
        case("%s_dimlist_0_m1_keepdim_2x3x4" % op, op,
             lambda x, fn=fn: fn(x, dim=[0, -1], keepdim=True), [R(2, 3, 4)],
             kwargs={"dim": [0, -1], "keepdim": True}, expr="a.%s(dim=[0, -1], keepdim=True)" % op)
        case("%s_dimm2_keepdim_2x3x4" % op, op, lambda x, fn=fn: fn(x, dim=-2, keepdim=True),
             [R(2, 3, 4)], kwargs={"dim": -2, "keepdim": True},
             expr="a.%s(dim=-2, keepdim=True)" % op)
        case("%s_all_1d" % op, op, fn, [R(5)], expr="a.%s()" % op)

    ties = tt([[1.0, 3.0, 3.0, 2.0], [3.0, -1.0, 0.0, 3.0], [0.5, 0.5, 0.5, 0.5]])
    ties_min = -ties
    for op in ("max", "min"):
        fn = getattr(torch, op)
        x = ties if op == "max" else ties_min
        case("%s_all_random_3x4" % op, op, fn, [R(3, 4)], expr="a.%s()" % op)
        case("%s_all_ties_3x4" % op, op, fn, [x],
             expr="a.%s()  # full reduction: gradient split evenly among ties" % op)
        case("%s_dim1_ties_3x4" % op, op, lambda x, fn=fn: tuple(fn(x, dim=1)), [x],
             kwargs={"dim": 1},
             expr="a.%s(dim=1)  # (values, indices); gradient goes to the returned index" % op)
        case("%s_dim0_ties_3x4" % op, op, lambda x, fn=fn: tuple(fn(x, dim=0)), [x],
             kwargs={"dim": 0}, expr="a.%s(dim=0)" % op)
        case("%s_dim1_keepdim_random_3x4" % op, op,
             lambda x, fn=fn: tuple(fn(x, dim=1, keepdim=True)), [R(3, 4)],
             kwargs={"dim": 1, "keepdim": True}, expr="a.%s(dim=1, keepdim=True)" % op)
        case("%s_dimm1_random_2x3x4" % op, op, lambda x, fn=fn: tuple(fn(x, dim=-1)),
             [R(2, 3, 4)], kwargs={"dim": -1}, expr="a.%s(dim=-1)" % op)
    for op in ("amax", "amin"):
        fn = getattr(torch, op)
        x = ties if op == "amax" else ties_min
        case("%s_dim1_ties_3x4" % op, op, lambda x, fn=fn: fn(x, dim=1), [x],
             kwargs={"dim": 1}, expr="a.%s(dim=1)  # ties split evenly" % op)
        case("%s_dim0_ties_keepdim_3x4" % op, op, lambda x, fn=fn: fn(x, dim=0, keepdim=True),
             [x], kwargs={"dim": 0, "keepdim": True}, expr="a.%s(dim=0, keepdim=True)" % op)
        case("%s_dimlist_ties_3x4" % op, op, lambda x, fn=fn: fn(x, dim=[0, 1]), [x],
             kwargs={"dim": [0, 1]}, expr="a.%s(dim=[0, 1])" % op)
        case("%s_dimm1_random_2x3x4" % op, op, lambda x, fn=fn: fn(x, dim=-1), [R(2, 3, 4)],
             kwargs={"dim": -1}, expr="a.%s(dim=-1)" % op)
    for op in ("var", "std"):
        fn = getattr(torch, op)
        case("%s_all_3x4" % op, op, fn, [R(3, 4)], expr="a.%s()  # unbiased" % op)
        case("%s_all_unbiased_false_3x4" % op, op, lambda x, fn=fn: fn(x, unbiased=False),
             [R(3, 4)], kwargs={"unbiased": False},
             expr="a.%s(unbiased=False)  # == correction=0" % op)
        case("%s_dim1_3x4" % op, op, lambda x, fn=fn: fn(x, dim=1), [R(3, 4)],
             kwargs={"dim": 1}, expr="a.%s(dim=1)" % op)
        case("%s_dim0_unbiased_false_3x4" % op, op, lambda x, fn=fn: fn(x, dim=0, unbiased=False),
             [R(3, 4)], kwargs={"dim": 0, "unbiased": False},
             expr="a.%s(dim=0, unbiased=False)" % op)
        case("%s_dim1_keepdim_3x4" % op, op, lambda x, fn=fn: fn(x, dim=1, keepdim=True),
             [R(3, 4)], kwargs={"dim": 1, "keepdim": True}, expr="a.%s(dim=1, keepdim=True)" % op)
        case("%s_dimm1_keepdim_unbiased_false_2x3x4" % op, op,
             lambda x, fn=fn: fn(x, dim=-1, unbiased=False, keepdim=True), [R(2, 3, 4)],
             kwargs={"dim": -1, "unbiased": False, "keepdim": True},
             expr="a.%s(dim=-1, unbiased=False, keepdim=True)" % op)
        case("%s_dimlist_0_2_2x3x4" % op, op, lambda x, fn=fn: fn(x, dim=[0, 2]), [R(2, 3, 4)],
             kwargs={"dim": [0, 2]}, expr="a.%s(dim=[0, 2])" % op)

    # --- shape ops ------------------------------------------------------------------
    case("reshape_2x3x4_to_4x6", "reshape", lambda x: x.reshape(4, 6), [R(2, 3, 4)],
         kwargs={"shape": [4, 6]}, expr="a.reshape(4, 6)")
    case("reshape_2x3x4_to_m1_2", "reshape", lambda x: x.reshape(-1, 2), [R(2, 3, 4)],
         kwargs={"shape": [-1, 2]}, expr="a.reshape(-1, 2)")
    case("view_2x3x4_to_6x4", "view", lambda x: x.view(6, 4), [R(2, 3, 4)],
         kwargs={"shape": [6, 4]}, expr="a.view(6, 4)")
    case("view_2x3x4_to_24", "view", lambda x: x.view(-1), [R(2, 3, 4)],
         kwargs={"shape": [-1]}, expr="a.view(-1)")
    case("flatten_all_2x3x4", "flatten", torch.flatten, [R(2, 3, 4)], expr="a.flatten()")
    case("flatten_start1_2x3x4x2", "flatten", lambda x: torch.flatten(x, start_dim=1),
         [R(2, 3, 4, 2)], kwargs={"start_dim": 1}, expr="a.flatten(1)")
    case("flatten_1_2_2x3x4x2", "flatten", lambda x: torch.flatten(x, 1, 2), [R(2, 3, 4, 2)],
         kwargs={"start_dim": 1, "end_dim": 2}, expr="a.flatten(1, 2)")
    case("flatten_0_m2_2x3x4x2", "flatten", lambda x: torch.flatten(x, 0, -2), [R(2, 3, 4, 2)],
         kwargs={"start_dim": 0, "end_dim": -2}, expr="a.flatten(0, -2)")
    case("squeeze_all_1x3x1x2", "squeeze", torch.squeeze, [R(1, 3, 1, 2)], expr="a.squeeze()")
    case("squeeze_dim2_1x3x1x2", "squeeze", lambda x: x.squeeze(2), [R(1, 3, 1, 2)],
         kwargs={"dim": 2}, expr="a.squeeze(2)")
    case("squeeze_dim1_nonsingleton_1x3x1x2", "squeeze", lambda x: x.squeeze(1), [R(1, 3, 1, 2)],
         kwargs={"dim": 1}, expr="a.squeeze(1)  # size 3: no-op")
    case("squeeze_dimm2_1x3x1x2", "squeeze", lambda x: x.squeeze(-2), [R(1, 3, 1, 2)],
         kwargs={"dim": -2}, expr="a.squeeze(-2)")
    for d in (0, 1, 2, -1):
        case("unsqueeze_dim%s_2x3" % str(d).replace("-", "m"), "unsqueeze",
             lambda x, d=d: x.unsqueeze(d), [R(2, 3)], kwargs={"dim": d}, expr="a.unsqueeze(%d)" % d)
    case("expand_3x1_to_3x4", "expand", lambda x: x.expand(3, 4), [R(3, 1)],
         kwargs={"shape": [3, 4]}, expr="a.expand(3, 4)")
    case("expand_3_to_2x3", "expand", lambda x: x.expand(2, 3), [R(3)],
         kwargs={"shape": [2, 3]}, expr="a.expand(2, 3)")
    case("expand_1x3x1_to_2xm1x4", "expand", lambda x: x.expand(2, -1, 4), [R(1, 3, 1)],
         kwargs={"shape": [2, -1, 4]}, expr="a.expand(2, -1, 4)")
    case("transpose_0_1_2x3", "transpose", lambda x: x.transpose(0, 1), [R(2, 3)],
         kwargs={"dim0": 0, "dim1": 1}, expr="a.transpose(0, 1)")
    case("transpose_0_2_2x3x4", "transpose", lambda x: x.transpose(0, 2), [R(2, 3, 4)],
         kwargs={"dim0": 0, "dim1": 2}, expr="a.transpose(0, 2)")
    case("transpose_m1_m2_2x3x4", "transpose", lambda x: x.transpose(-1, -2), [R(2, 3, 4)],
         kwargs={"dim0": -1, "dim1": -2}, expr="a.transpose(-1, -2)")
    case("permute_2_0_1_2x3x4", "permute", lambda x: x.permute(2, 0, 1), [R(2, 3, 4)],
         kwargs={"dims": [2, 0, 1]}, expr="a.permute(2, 0, 1)")
    case("permute_1_3_0_2_2x3x4x2", "permute", lambda x: x.permute(1, 3, 0, 2), [R(2, 3, 4, 2)],
         kwargs={"dims": [1, 3, 0, 2]}, expr="a.permute(1, 3, 0, 2)")
    case("T_2x3", "T", lambda x: x.T, [R(2, 3)], expr="a.T")
    case("narrow_dim0_1_2_4x3", "narrow", lambda x: x.narrow(0, 1, 2), [R(4, 3)],
         kwargs={"dim": 0, "start": 1, "length": 2}, expr="a.narrow(0, 1, 2)")
    case("narrow_dim1_2_3_2x5", "narrow", lambda x: x.narrow(1, 2, 3), [R(2, 5)],
         kwargs={"dim": 1, "start": 2, "length": 3}, expr="a.narrow(1, 2, 3)")
    case("narrow_dimm1_0_2_2x3x4", "narrow", lambda x: x.narrow(-1, 0, 2), [R(2, 3, 4)],
         kwargs={"dim": -1, "start": 0, "length": 2}, expr="a.narrow(-1, 0, 2)")
    case("select_dim0_1_3x4", "select", lambda x: x.select(0, 1), [R(3, 4)],
         kwargs={"dim": 0, "index": 1}, expr="a.select(0, 1)  # == a[1]")
    case("select_dim1_m1_3x4", "select", lambda x: x.select(1, -1), [R(3, 4)],
         kwargs={"dim": 1, "index": -1}, expr="a.select(1, -1)  # == a[:, -1]")
    case("select_dim2_2_2x3x4", "select", lambda x: x.select(2, 2), [R(2, 3, 4)],
         kwargs={"dim": 2, "index": 2}, expr="a.select(2, 2)")
    idx = tt([2, 0, 2, 3], torch.int64)
    case("index_select_dim0_repeat_4x3", "index_select", lambda x, i: torch.index_select(x, 0, i),
         [R(4, 3), idx], kwargs={"dim": 0}, expr="torch.index_select(a, 0, b)  # repeated index accumulates")
    case("index_select_dim1_3x4", "index_select", lambda x, i: torch.index_select(x, 1, i),
         [R(3, 4), tt([3, 1], torch.int64)], kwargs={"dim": 1}, expr="torch.index_select(a, 1, b)")
    case("gather_dim1_3x4", "gather", lambda x, i: torch.gather(x, 1, i),
         [R(3, 4), tt([[0, 0], [1, 3], [2, 2]], torch.int64)], kwargs={"dim": 1},
         expr="torch.gather(a, 1, b)")
    case("gather_dim0_3x4", "gather", lambda x, i: torch.gather(x, 0, i),
         [R(3, 4), tt([[0, 1, 2, 0], [2, 2, 0, 1]], torch.int64)], kwargs={"dim": 0},
         expr="torch.gather(a, 0, b)")
    case("cat_dim0_3_inputs", "cat", lambda a, b, c: torch.cat([a, b, c], dim=0),
         [R(2, 3), R(1, 3), R(3, 3)], kwargs={"dim": 0}, expr="torch.cat([a, b, c], dim=0)")
    case("cat_dim1_3_inputs", "cat", lambda a, b, c: torch.cat([a, b, c], dim=1),
         [R(2, 1), R(2, 3), R(2, 2)], kwargs={"dim": 1}, expr="torch.cat([a, b, c], dim=1)")
    case("cat_dimm1_2_inputs_3d", "cat", lambda a, b: torch.cat([a, b], dim=-1),
         [R(2, 2, 1), R(2, 2, 3)], kwargs={"dim": -1}, expr="torch.cat([a, b], dim=-1)")
    for d in (0, 1, -1):
        case("stack_dim%s_3_inputs_2x3" % str(d).replace("-", "m"), "stack",
             lambda a, b, c, d=d: torch.stack([a, b, c], dim=d), [R(2, 3), R(2, 3), R(2, 3)],
             kwargs={"dim": d}, expr="torch.stack([a, b, c], dim=%d)" % d)
    case("split_int2_dim0_5x3", "split", lambda x: tuple(torch.split(x, 2, dim=0)), [R(5, 3)],
         kwargs={"split_size_or_sections": 2, "dim": 0}, expr="torch.split(a, 2, dim=0)")
    case("split_list_1_3_1_dim1_2x5", "split", lambda x: tuple(torch.split(x, [1, 3, 1], dim=1)),
         [R(2, 5)], kwargs={"split_size_or_sections": [1, 3, 1], "dim": 1},
         expr="torch.split(a, [1, 3, 1], dim=1)")
    case("chunk_3_dim0_5x2", "chunk", lambda x: tuple(torch.chunk(x, 3, dim=0)), [R(5, 2)],
         kwargs={"chunks": 3, "dim": 0}, expr="torch.chunk(a, 3, dim=0)  # sizes 2, 2, 1")
    case("chunk_2_dimm1_2x3x4", "chunk", lambda x: tuple(torch.chunk(x, 2, dim=-1)), [R(2, 3, 4)],
         kwargs={"chunks": 2, "dim": -1}, expr="torch.chunk(a, 2, dim=-1)")

    for op, fn in (("softmax", torch.softmax), ("log_softmax", torch.log_softmax)):
        for d in (0, 1, -1):
            case("%s_dim%s_3x4" % (op, str(d).replace("-", "m")), op,
                 lambda x, d=d, fn=fn: fn(x, dim=d), [R(3, 4) * 2], kwargs={"dim": d},
                 expr="a.%s(dim=%d)" % (op, d))
        case("%s_dim1_2x3x4" % op, op, lambda x, fn=fn: fn(x, dim=1), [R(2, 3, 4)],
             kwargs={"dim": 1}, expr="a.%s(dim=1)" % op)
        case("%s_dimm1_large_values" % op, op, lambda x, fn=fn: fn(x, dim=-1),
             [tt([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]])], kwargs={"dim": -1},
             expr="a.%s(dim=-1)  # numerically stable" % op)

    # --- comparisons / argmax (outputs only) -------------------------------------
    a = tt([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = tt([[1.0, 0.0, 3.5], [4.0, 6.0, 5.0]])
    for op, fn in (("eq", torch.eq), ("gt", torch.gt), ("lt", torch.lt)):
        case("%s_2x3_2x3" % op, op, fn, [a, b], grad=False, expr="torch.%s(a, b)" % op)
        case("%s_broadcast_2x3_3" % op, op, fn, [a, tt([1.0, 5.0, 3.0])], grad=False,
             expr="torch.%s(a, b)" % op)
        case("%s_scalar_2x3" % op, op, lambda x, fn=fn: fn(x, 3.0), [a], grad=False,
             kwargs={"scalar": 3.0, "scalarFirst": False}, expr="torch.%s(a, 3.0)" % op)
    am = tt([[1.0, 7.0, 7.0, 2.0], [9.0, -1.0, 9.0, 0.0], [0.5, 0.25, 3.0, 3.0]])
    case("argmax_all_3x4", "argmax", torch.argmax, [am], grad=False,
         expr="a.argmax()  # flat index of first max")
    case("argmax_dim1_ties_3x4", "argmax", lambda x: torch.argmax(x, dim=1), [am], grad=False,
         kwargs={"dim": 1}, expr="a.argmax(dim=1)  # first index among ties")
    case("argmax_dim0_keepdim_3x4", "argmax", lambda x: torch.argmax(x, dim=0, keepdim=True),
         [am], grad=False, kwargs={"dim": 0, "keepdim": True}, expr="a.argmax(dim=0, keepdim=True)")
    case("argmax_dimm1_random_2x3x4", "argmax", lambda x: torch.argmax(x, dim=-1), [R(2, 3, 4)],
         grad=False, kwargs={"dim": -1}, expr="a.argmax(dim=-1)")

    # --- small composite chains -----------------------------------------------------
    case("chain_mul_add_sum", "chain", lambda x, y: ((x * y + x).exp() / (y * y + 1.0)).sum(),
         [R(2, 3) * 0.5, R(2, 3)], expr="((a * b + a).exp() / (b * b + 1.0)).sum()")
    case("chain_matmul_relu_mean", "chain", lambda x, w, bb: (x @ w + bb).relu().mean(dim=0),
         [R(4, 3), R(3, 2), R(2)], expr="(a @ b + c).relu().mean(dim=0)")

    write("ops", cases,
          "float64 inputs drawn with torch.manual_seed(1234). grads = d sum(output*upstream)/d input. "
          "max/min full reduction and amax/amin/maximum/minimum split the gradient evenly among ties; "
          "max/min along a dim send it to the returned index (the first among ties on CPU).")


# ----------------------------------------------------------------------------
# article.json
# ----------------------------------------------------------------------------

def params_of(mods):
    return {n: {k: T(v) for k, v in m.named_parameters()} for n, m in mods.items()}


def grads_of(mods):
    return {n: {k: T(v.grad) for k, v in m.named_parameters()} for n, m in mods.items()}


def set_params(m, gen_scale=1.0):
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape, dtype=p.dtype) * gen_scale)


def make_article():
    cases = []

    # (a) retain_graph / detach
    for detach in (False, True):
        x = torch.tensor([1.0], dtype=F64, requires_grad=True)
        y = x ** 2
        z = 2 * y
        w = z ** 3
        p = z.detach() if detach else z
        q = torch.tensor([2.0], dtype=F64, requires_grad=True)
        pq = p * q
        pq.backward(retain_graph=True)
        w.backward()
        cases.append({
            "name": "retain_graph_detach" if detach else "retain_graph",
            "description": (
                "x=tensor([1.]) requires_grad; y=x**2; z=2*y; w=z**3; p=%s; q=tensor([2.]) "
                "requires_grad; pq=p*q; pq.backward(retain_graph=True); w.backward(). "
                "Grads accumulate over both backward calls." % ("z.detach()" if detach else "z")),
            "detach": detach,
            "x": T(x), "q": T(q),
            "values": {"y": T(y), "z": T(z), "w": T(w), "p": T(p), "pq": T(pq)},
            "grads": {"x": T(x.grad), "q": T(q.grad)},
        })

    # (b) chain of four Linear(2,2)
    torch.manual_seed(7)
    lins0 = [nn.Linear(2, 2).double() for _ in range(4)]
    for m in lins0:
        set_params(m, 0.8)
    x0 = torch.randn(2, 2, dtype=F64)
    init = {"lin%d" % i: {k: T(v) for k, v in m.named_parameters()} for i, m in enumerate(lins0)}
    variants = [
        ("plain", "no modification"),
        ("detach_after_lin1", "x2 = x2.detach() right after x2 = lin1(x1)"),
        ("lin2_frozen", "lin2.weight.requires_grad = False and lin2.bias.requires_grad = False"),
        ("lin1_no_grad", "x2 = lin1(x1) evaluated under torch.no_grad()"),
    ]
    for vname, vdesc in variants:
        lins = [nn.Linear(2, 2).double() for _ in range(4)]
        for m, m0 in zip(lins, lins0):
            m.load_state_dict(m0.state_dict())
        x = x0.clone().requires_grad_(True)
        if vname == "lin2_frozen":
            for p in lins[2].parameters():
                p.requires_grad_(False)
        x1 = lins[0](x)
        if vname == "lin1_no_grad":
            with torch.no_grad():
                x2 = lins[1](x1)
        else:
            x2 = lins[1](x1)
        if vname == "detach_after_lin1":
            x2 = x2.detach()
        x3 = lins[2](x2)
        x4 = lins[3](x3)
        loss = x4.sum()
        loss.backward()
        mods = {"lin%d" % i: m for i, m in enumerate(lins)}
        g = grads_of(mods)
        none_list = ["x"] if x.grad is None else []
        for mn, d in g.items():
            for k, v in d.items():
                if v is None:
                    none_list.append("%s.%s" % (mn, k))
        cases.append({
            "name": "linear_chain_" + vname,
            "description": (
                "lin0..lin3 = nn.Linear(2,2) (float64) with the explicit params below; "
                "x = the explicit [2,2] tensor, requires_grad=True; x1=lin0(x); x2=lin1(x1); "
                "x3=lin2(x2); x4=lin3(x3); loss = x4.sum(); loss.backward(). Variant: " + vdesc),
            "variant": vname,
            "x": TI(x0, True),
            "params": init,
            "requiresGrad": {mn: {k: v.requires_grad for k, v in m.named_parameters()}
                             for mn, m in mods.items()},
            "values": {"x1": T(x1), "x2": T(x2), "x3": T(x3), "x4": T(x4), "loss": T(loss)},
            "gradIsNone": sorted(none_list),
            "grads": {"x": T(x.grad), **g},
        })

    # (c) optimizers over composed modules
    torch.manual_seed(11)
    m1_0, m2_0, fc_0 = nn.Linear(2, 2).double(), nn.Linear(2, 2).double(), nn.Linear(2, 1).double()
    for m in (m1_0, m2_0, fc_0):
        set_params(m, 0.7)
    xin = torch.randn(3, 2, dtype=F64)

    def fresh():
        m1, m2, fc = nn.Linear(2, 2).double(), nn.Linear(2, 2).double(), nn.Linear(2, 1).double()
        m1.load_state_dict(m1_0.state_dict())
        m2.load_state_dict(m2_0.state_dict())
        fc.load_state_dict(fc_0.state_dict())
        return m1, m2, fc

    init = params_of({"model1": m1_0, "model2": m2_0, "fc": fc_0})

    m1, m2, fc = fresh()
    opt = torch.optim.SGD(list(fc.parameters()) + list(m2.parameters()), lr=1e-2, momentum=0.9)
    out = fc(m2(m1(xin)))
    loss = out.sum()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    g = grads_of({"model1": m1, "model2": m2, "fc": fc})
    opt.step()
    cases.append({
        "name": "optimizer_subset",
        "description": (
            "model1=Linear(2,2), model2=Linear(2,2), fc=Linear(2,1) (float64, explicit params); "
            "out = fc(model2(model1(x))); loss = out.sum(). "
            "opt = SGD(list(fc.parameters()) + list(model2.parameters()), lr=1e-2, momentum=0.9); "
            "opt.zero_grad(set_to_none=True); loss.backward(); opt.step(). "
            "model1 receives grads but is not in the optimizer, so it is unchanged."),
        "x": T(xin),
        "params": init,
        "optimizer": {"type": "SGD", "lr": 1e-2, "momentum": 0.9,
                      "params": ["fc.weight", "fc.bias", "model2.weight", "model2.bias"]},
        "loss": T(loss),
        "grads": g,
        "paramsAfter": [params_of({"model1": m1, "model2": m2, "fc": fc})],
    })

    m1, m2, fc = fresh()
    opt = torch.optim.SGD([{"params": m1.parameters()},
                           {"params": m2.parameters(), "lr": 0},
                           {"params": fc.parameters(), "lr": 0}], lr=1e-2, momentum=0.9)
    after, losses, grads = [], [], []
    for step in range(2):
        opt.zero_grad(set_to_none=True)
        loss = fc(m2(m1(xin))).sum()
        loss.backward()
        losses.append(T(loss))
        grads.append(grads_of({"model1": m1, "model2": m2, "fc": fc}))
        opt.step()
        after.append(params_of({"model1": m1, "model2": m2, "fc": fc}))
    cases.append({
        "name": "optimizer_param_groups",
        "description": (
            "Same modules/x as optimizer_subset. opt = SGD([{'params': model1.parameters()}, "
            "{'params': model2.parameters(), 'lr': 0}, {'params': fc.parameters(), 'lr': 0}], "
            "lr=1e-2, momentum=0.9). Two iterations of: opt.zero_grad(set_to_none=True); "
            "loss = fc(model2(model1(x))).sum(); loss.backward(); opt.step(). "
            "paramsAfter[i] = all params after step i+1; grads[i] = grads before step i+1."),
        "x": T(xin),
        "params": init,
        "optimizer": {"type": "SGD", "lr": 1e-2, "momentum": 0.9,
                      "paramGroups": [{"params": ["model1.weight", "model1.bias"]},
                                      {"params": ["model2.weight", "model2.bias"], "lr": 0},
                                      {"params": ["fc.weight", "fc.bias"], "lr": 0}]},
        "losses": losses,
        "grads": grads,
        "paramsAfter": after,
    })
    write("article", cases, "Scenarios from the GradLens article; float64 throughout.")
    return cases


# ----------------------------------------------------------------------------
# nn.json
# ----------------------------------------------------------------------------

def make_nn():
    torch.manual_seed(4321)
    cases = []

    def module_case(name, cls, kwargs, inputs, mode="train", init=None, requires=None,
                    randomize=True):
        m = getattr(nn, cls)(**kwargs).double()
        if randomize:
            set_params(m, 0.5)
        if init is not None:
            init(m)
        m.train(mode == "train")
        params = {k: T(v) for k, v in m.named_parameters()}
        buffers = {k: T(v) for k, v in m.named_buffers()}
        leaves = []
        for i, x in enumerate(inputs):
            rg = (requires[i] if requires is not None else True) and x.is_floating_point()
            leaves.append(x.detach().clone().requires_grad_(rg))
        out = m(*leaves)
        up = torch.randn(out.shape, dtype=out.dtype)
        (out * up).sum().backward()
        cases.append({
            "name": name, "kind": "module", "module": cls, "kwargs": kwargs, "mode": mode,
            "params": params, "buffers": buffers, "tensorKwargs": {},
            "inputs": [TI(x, x.requires_grad) for x in leaves],
            "output": T(out), "upstream": T(up),
            "grads": [T(x.grad) if x.requires_grad else None for x in leaves],
            "paramGrads": {k: T(v.grad) for k, v in m.named_parameters()},
            "buffersAfter": {k: T(v) for k, v in m.named_buffers()},
        })

    def loss_case(name, op, inputs, kwargs=None, tkw=None, requires=None):
        kwargs = kwargs or {}
        tkw = tkw or {}
        leaves = []
        for i, x in enumerate(inputs):
            rg = (requires[i] if requires is not None else i == 0) and x.is_floating_point()
            leaves.append(x.detach().clone().requires_grad_(rg))
        out = getattr(F, op)(*leaves, **kwargs, **tkw)
        if out.dim() == 0:
            up = torch.tensor(1.0, dtype=out.dtype)
        else:
            up = torch.randn(out.shape, dtype=out.dtype)
        (out * up).sum().backward()
        cases.append({
            "name": name, "kind": "functional", "op": op, "kwargs": kwargs, "mode": "train",
            "params": {}, "buffers": {}, "tensorKwargs": {k: T(v) for k, v in tkw.items()},
            "inputs": [TI(x, x.requires_grad) for x in leaves],
            "output": T(out), "upstream": T(up),
            "grads": [T(x.grad) if x.requires_grad else None for x in leaves],
            "paramGrads": {}, "buffersAfter": {},
        })

    # layers
    module_case("Linear_3_4_input_2x3", "Linear", {"in_features": 3, "out_features": 4}, [R(2, 3)])
    module_case("Linear_3_4_input_2x5x3", "Linear", {"in_features": 3, "out_features": 4},
                [R(2, 5, 3)])
    module_case("Linear_3_2_nobias_input_4x3", "Linear",
                {"in_features": 3, "out_features": 2, "bias": False}, [R(4, 3)])
    module_case("Linear_3_4_input_3", "Linear", {"in_features": 3, "out_features": 4}, [R(3)])

    module_case("Conv1d_2_4_k3", "Conv1d", {"in_channels": 2, "out_channels": 4, "kernel_size": 3},
                [R(2, 2, 7)])
    module_case("Conv1d_2_4_k3_s2_p1_nobias", "Conv1d",
                {"in_channels": 2, "out_channels": 4, "kernel_size": 3, "stride": 2, "padding": 1,
                 "bias": False}, [R(2, 2, 8)])
    module_case("Conv1d_4_2_k2_d2_g2", "Conv1d",
                {"in_channels": 4, "out_channels": 2, "kernel_size": 2, "dilation": 2, "groups": 2},
                [R(1, 4, 7)])
    conv2d_cfgs = [
        ("k3", {"in_channels": 2, "out_channels": 3, "kernel_size": 3}, [2, 2, 5, 5]),
        ("k3_s2_p1", {"in_channels": 2, "out_channels": 3, "kernel_size": 3, "stride": 2,
                      "padding": 1}, [2, 2, 6, 6]),
        ("k3_d2", {"in_channels": 2, "out_channels": 2, "kernel_size": 3, "dilation": 2},
         [1, 2, 7, 7]),
        ("k3_g2", {"in_channels": 4, "out_channels": 4, "kernel_size": 3, "groups": 2},
         [1, 4, 5, 5]),
        ("k3_s2_p1_d2_g2", {"in_channels": 4, "out_channels": 2, "kernel_size": 3, "stride": 2,
                            "padding": 1, "dilation": 2, "groups": 2}, [2, 4, 7, 7]),
        ("k3_p1_nobias", {"in_channels": 2, "out_channels": 3, "kernel_size": 3, "padding": 1,
                          "bias": False}, [1, 2, 4, 4]),
        ("k2x3_s1x2_p1x0", {"in_channels": 1, "out_channels": 2, "kernel_size": [2, 3],
                            "stride": [1, 2], "padding": [1, 0]}, [2, 1, 4, 7]),
        ("k1_nobias_g2", {"in_channels": 2, "out_channels": 4, "kernel_size": 1, "groups": 2,
                          "bias": False}, [1, 2, 3, 3]),
    ]
    for tag, kw, s in conv2d_cfgs:
        module_case("Conv2d_%d_%d_%s" % (kw["in_channels"], kw["out_channels"], tag), "Conv2d",
                    kw, [R(*s)])

    module_case("MaxPool2d_k2", "MaxPool2d", {"kernel_size": 2}, [R(2, 2, 4, 4)])
    module_case("MaxPool2d_k3_s2_p1", "MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1},
                [R(1, 2, 5, 5)])
    module_case("MaxPool2d_k2_s1", "MaxPool2d", {"kernel_size": 2, "stride": 1},
                [R(1, 1, 4, 4)])
    module_case("AvgPool2d_k2", "AvgPool2d", {"kernel_size": 2}, [R(2, 2, 4, 4)])
    module_case("AvgPool2d_k3_s2_p1", "AvgPool2d", {"kernel_size": 3, "stride": 2, "padding": 1},
                [R(1, 2, 5, 5)])
    module_case("AvgPool2d_k3_s2_p1_no_count_pad", "AvgPool2d",
                {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
                [R(1, 2, 5, 5)])
    module_case("AvgPool2d_k2_s1", "AvgPool2d", {"kernel_size": 2, "stride": 1}, [R(1, 1, 3, 4)])
    module_case("AdaptiveAvgPool2d_2x2_from_5x5", "AdaptiveAvgPool2d", {"output_size": [2, 2]},
                [R(1, 2, 5, 5)])
    module_case("AdaptiveAvgPool2d_1x1_from_4x3", "AdaptiveAvgPool2d", {"output_size": [1, 1]},
                [R(2, 3, 4, 3)])
    module_case("AdaptiveAvgPool2d_3x2_from_5x7", "AdaptiveAvgPool2d", {"output_size": [3, 2]},
                [R(1, 1, 5, 7)])
    module_case("AdaptiveAvgPool2d_4x4_from_4x4", "AdaptiveAvgPool2d", {"output_size": [4, 4]},
                [R(1, 1, 4, 4)])

    def bn_eval_init(m):
        with torch.no_grad():
            m.running_mean.copy_(torch.randn(m.running_mean.shape, dtype=F64) * 0.5)
            m.running_var.copy_(torch.rand(m.running_var.shape, dtype=F64) + 0.5)
            m.num_batches_tracked.fill_(3)

    module_case("BatchNorm1d_3_train_4x3", "BatchNorm1d", {"num_features": 3}, [R(4, 3) * 2 + 1])
    module_case("BatchNorm1d_3_train_2x3x5", "BatchNorm1d", {"num_features": 3}, [R(2, 3, 5)])
    module_case("BatchNorm1d_3_train_momentum0p3_eps1e-3", "BatchNorm1d",
                {"num_features": 3, "momentum": 0.3, "eps": 1e-3}, [R(5, 3)])
    module_case("BatchNorm1d_3_train_noaffine", "BatchNorm1d",
                {"num_features": 3, "affine": False}, [R(4, 3)])
    module_case("BatchNorm1d_3_eval_4x3", "BatchNorm1d", {"num_features": 3}, [R(4, 3)],
                mode="eval", init=bn_eval_init)
    module_case("BatchNorm2d_3_train_2x3x4x4", "BatchNorm2d", {"num_features": 3},
                [R(2, 3, 4, 4) * 1.5 - 0.5])
    module_case("BatchNorm2d_2_train_noaffine", "BatchNorm2d",
                {"num_features": 2, "affine": False}, [R(2, 2, 3, 3)])
    module_case("BatchNorm2d_3_eval_2x3x4x4", "BatchNorm2d", {"num_features": 3}, [R(2, 3, 4, 4)],
                mode="eval", init=bn_eval_init)

    module_case("LayerNorm_4_input_2x3x4", "LayerNorm", {"normalized_shape": [4]}, [R(2, 3, 4)])
    module_case("LayerNorm_3x4_input_2x3x4", "LayerNorm", {"normalized_shape": [3, 4]},
                [R(2, 3, 4)])
    module_case("LayerNorm_4_noaffine_eps1e-3", "LayerNorm",
                {"normalized_shape": [4], "elementwise_affine": False, "eps": 1e-3}, [R(3, 4)])

    module_case("Embedding_10_3", "Embedding", {"num_embeddings": 10, "embedding_dim": 3},
                [tt([[1, 2, 4, 1], [9, 0, 2, 2]], torch.int64)])

    def emb_pad(m):
        with torch.no_grad():
            m.weight[0].zero_()

    module_case("Embedding_10_3_padding_idx0", "Embedding",
                {"num_embeddings": 10, "embedding_dim": 3, "padding_idx": 0},
                [tt([[1, 0, 4, 1], [9, 0, 2, 0]], torch.int64)], init=emb_pad)
    module_case("GELU_none", "GELU", {}, [R(3, 4) * 2])
    module_case("GELU_tanh", "GELU", {"approximate": "tanh"}, [R(3, 4) * 2])
    module_case("ReLU", "ReLU", {}, [R(3, 4)])
    module_case("LeakyReLU_0p2", "LeakyReLU", {"negative_slope": 0.2}, [R(3, 4)])
    module_case("Sigmoid", "Sigmoid", {}, [R(3, 4)])
    module_case("Tanh", "Tanh", {}, [R(3, 4)])
    module_case("Softmax_dimm1", "Softmax", {"dim": -1}, [R(3, 4)])
    module_case("Softmax_dim0", "Softmax", {"dim": 0}, [R(3, 4)])
    module_case("LogSoftmax_dim1", "LogSoftmax", {"dim": 1}, [R(3, 4)])
    module_case("Flatten", "Flatten", {}, [R(2, 3, 2)])

    # losses
    N, C = 4, 5
    logits = R(N, C)
    tgt = tt([1, 0, 4, 1], torch.int64)
    w = P(C)
    probs = torch.softmax(R(N, C), dim=1)
    for red in ("mean", "sum", "none"):
        loss_case("cross_entropy_idx_%s" % red, "cross_entropy", [logits, tgt], {"reduction": red})
    loss_case("cross_entropy_idx_ignore_index1", "cross_entropy", [logits, tgt], {"ignore_index": 1})
    loss_case("cross_entropy_idx_ignore_index_default_m100", "cross_entropy",
              [logits, tt([2, -100, 4, 0], torch.int64)], {})
    loss_case("cross_entropy_idx_ignore_index1_none", "cross_entropy", [logits, tgt],
              {"ignore_index": 1, "reduction": "none"})
    loss_case("cross_entropy_idx_ignore_index1_sum", "cross_entropy", [logits, tgt],
              {"ignore_index": 1, "reduction": "sum"})
    for red in ("mean", "sum", "none"):
        loss_case("cross_entropy_idx_label_smoothing0p1_%s" % red, "cross_entropy", [logits, tgt],
                  {"label_smoothing": 0.1, "reduction": red})
        loss_case("cross_entropy_idx_weight_%s" % red, "cross_entropy", [logits, tgt],
                  {"reduction": red}, {"weight": w})
        loss_case("cross_entropy_idx_weight_ignore_index1_%s" % red, "cross_entropy", [logits, tgt],
                  {"ignore_index": 1, "reduction": red}, {"weight": w})
        loss_case("cross_entropy_idx_weight_label_smoothing0p2_%s" % red, "cross_entropy",
                  [logits, tgt], {"label_smoothing": 0.2, "reduction": red}, {"weight": w})
        loss_case("cross_entropy_idx_weight_ignore_index1_label_smoothing0p2_%s" % red,
                  "cross_entropy", [logits, tgt],
                  {"ignore_index": 1, "label_smoothing": 0.2, "reduction": red}, {"weight": w})
        loss_case("cross_entropy_idx_ignore_index1_label_smoothing0p2_%s" % red,
                  "cross_entropy", [logits, tgt],
                  {"ignore_index": 1, "label_smoothing": 0.2, "reduction": red})
    for red in ("mean", "sum", "none"):
        loss_case("cross_entropy_probs_%s" % red, "cross_entropy", [logits, probs],
                  {"reduction": red})
    loss_case("cross_entropy_probs_label_smoothing0p1", "cross_entropy", [logits, probs],
              {"label_smoothing": 0.1})
    loss_case("cross_entropy_probs_weight", "cross_entropy", [logits, probs], {}, {"weight": w})
    loss_case("cross_entropy_probs_weight_label_smoothing0p1_sum", "cross_entropy",
              [logits, probs], {"label_smoothing": 0.1, "reduction": "sum"}, {"weight": w})
    loss_case("cross_entropy_idx_spatial_2x3x4", "cross_entropy",
              [R(2, 3, 4), tt([[0, 2, 1, 1], [2, 2, 0, 1]], torch.int64)], {})
    loss_case("cross_entropy_idx_1d_input", "cross_entropy", [R(C), tt(3, torch.int64)], {})

    logp = torch.log_softmax(R(N, C), dim=1)
    for red in ("mean", "sum", "none"):
        loss_case("nll_loss_%s" % red, "nll_loss", [logp, tgt], {"reduction": red})
    loss_case("nll_loss_weight_mean", "nll_loss", [logp, tgt], {}, {"weight": w})
    loss_case("nll_loss_ignore_index1_mean", "nll_loss", [logp, tgt], {"ignore_index": 1})
    loss_case("nll_loss_weight_ignore_index1_mean", "nll_loss", [logp, tgt], {"ignore_index": 1},
              {"weight": w})

    a, b = R(3, 4), R(3, 4)
    for red in ("mean", "sum", "none"):
        loss_case("mse_loss_%s" % red, "mse_loss", [a, b], {"reduction": red})
        loss_case("l1_loss_%s" % red, "l1_loss", [a, b], {"reduction": red})
    loss_case("mse_loss_target_requires_grad", "mse_loss", [a, b], {}, requires=[True, True])
    sa = tt([[0.1, -0.3, 2.0, -1.7], [0.45, -0.6, 0.9, 1.2], [3.0, -0.2, -0.8, 0.0]])
    sb = tt([[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.5, 0.5, -0.5, 0.25]])
    for beta in (1.0, 0.5):
        for red in ("mean", "sum", "none"):
            loss_case("smooth_l1_loss_beta%s_%s" % (str(beta).replace(".", "p"), red),
                      "smooth_l1_loss", [sa + 0.01 * R(3, 4), sb], {"beta": beta, "reduction": red})

    pin = torch.sigmoid(R(3, 4))
    thard = (torch.rand(3, 4) > 0.5).to(F64)
    tsoft = torch.rand(3, 4, dtype=F64)
    for red in ("mean", "sum", "none"):
        loss_case("binary_cross_entropy_hard_%s" % red, "binary_cross_entropy", [pin, thard],
                  {"reduction": red})
    loss_case("binary_cross_entropy_soft_mean", "binary_cross_entropy", [pin, tsoft], {})
    loss_case("binary_cross_entropy_weight_mean", "binary_cross_entropy", [pin, thard], {},
              {"weight": P(4)})
    xl = R(3, 4) * 2
    for red in ("mean", "sum", "none"):
        loss_case("bce_with_logits_hard_%s" % red, "binary_cross_entropy_with_logits", [xl, thard],
                  {"reduction": red})
    loss_case("bce_with_logits_soft_mean", "binary_cross_entropy_with_logits", [xl, tsoft], {})
    loss_case("bce_with_logits_pos_weight_mean", "binary_cross_entropy_with_logits", [xl, thard], {},
              {"pos_weight": P(4)})
    loss_case("bce_with_logits_pos_weight_soft_none", "binary_cross_entropy_with_logits",
              [xl, tsoft], {"reduction": "none"}, {"pos_weight": P(4)})
    loss_case("bce_with_logits_weight_pos_weight_sum", "binary_cross_entropy_with_logits",
              [xl, thard], {"reduction": "sum"}, {"weight": P(4), "pos_weight": P(4)})
    loss_case("bce_with_logits_large_logits", "binary_cross_entropy_with_logits",
              [tt([[50.0, -50.0, 0.0, 3.0]]), tt([[0.0, 1.0, 1.0, 0.0]])], {})

    write("nn", cases,
          "float64. Module params are random (seed 4321) and recorded; layer cases use a random "
          "upstream; scalar losses use upstream 1.0 (plain backward). Loss targets do not require "
          "grad unless stated. Embedding with padding_idx: that weight row starts at zero and gets "
          "zero grad.")


# ----------------------------------------------------------------------------
# optim.json
# ----------------------------------------------------------------------------

def make_optim():
    torch.manual_seed(99)
    cases = []
    p0 = [R(3), R(2, 2)]
    grads = [[R(3), R(2, 2)] for _ in range(3)]
    configs = [
        ("SGD_plain", "SGD", {"lr": 0.1}),
        ("SGD_momentum0p9", "SGD", {"lr": 0.1, "momentum": 0.9}),
        ("SGD_momentum0p9_dampening0p1", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}),
        ("SGD_nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
        ("SGD_weight_decay0p01", "SGD", {"lr": 0.1, "weight_decay": 0.01}),
        ("SGD_momentum0p9_weight_decay0p01", "SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
        ("SGD_maximize", "SGD", {"lr": 0.1, "maximize": True}),
        ("SGD_maximize_momentum0p9", "SGD", {"lr": 0.1, "momentum": 0.9, "maximize": True}),
        ("Adam_default", "Adam", {"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8}),
        ("Adam_lr0p1", "Adam", {"lr": 0.1, "betas": [0.9, 0.999], "eps": 1e-8}),
        ("Adam_amsgrad", "Adam", {"lr": 0.1, "betas": [0.9, 0.999], "eps": 1e-8, "amsgrad": True}),
        ("Adam_weight_decay0p1", "Adam", {"lr": 0.1, "betas": [0.9, 0.999], "eps": 1e-8,
                                          "weight_decay": 0.1}),
        ("Adam_maximize", "Adam", {"lr": 0.1, "betas": [0.9, 0.999], "eps": 1e-8, "maximize": True}),
        ("AdamW_default", "AdamW", {"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8,
                                    "weight_decay": 0.01}),
        ("AdamW_lr0p1", "AdamW", {"lr": 0.1, "betas": [0.9, 0.999], "eps": 1e-8,
                                  "weight_decay": 0.01}),
        ("AdamW_amsgrad", "AdamW", {"lr": 0.1, "betas": [0.9, 0.999], "eps": 1e-8,
                                    "weight_decay": 0.01, "amsgrad": True}),
        ("AdamW_weight_decay0p1", "AdamW", {"lr": 0.1, "betas": [0.9, 0.999], "eps": 1e-8,
                                            "weight_decay": 0.1}),
        ("RMSprop_default", "RMSprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}),
        ("RMSprop_momentum0p9", "RMSprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "momentum": 0.9}),
        ("RMSprop_centered", "RMSprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "centered": True}),
        ("RMSprop_centered_momentum0p9", "RMSprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8,
                                                     "centered": True, "momentum": 0.9}),
        ("RMSprop_weight_decay0p1", "RMSprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8,
                                                "weight_decay": 0.1}),
    ]
    for name, cls, kw in configs:
        ps = [p.clone().requires_grad_(True) for p in p0]
        ctor_kw = dict(kw)
        if "betas" in ctor_kw:
            ctor_kw["betas"] = tuple(ctor_kw["betas"])
        opt = getattr(torch.optim, cls)(ps, **ctor_kw)
        steps = []
        for g in grads:
            for p, gi in zip(ps, g):
                p.grad = gi.clone()
            opt.step()
            steps.append({"grads": [T(gi) for gi in g], "params": [T(p) for p in ps]})
        cases.append({"name": name, "kind": "optimizer", "optimizer": cls, "kwargs": kw,
                      "params": [T(p) for p in p0], "steps": steps})

    scheds = [
        ("StepLR_step2_gamma0p5", "StepLR", {"step_size": 2, "gamma": 0.5}, None),
        ("ExponentialLR_gamma0p9", "ExponentialLR", {"gamma": 0.9}, None),
        ("CosineAnnealingLR_Tmax5_etamin0p001", "CosineAnnealingLR", {"T_max": 5, "eta_min": 0.001},
         None),
        ("LambdaLR_0p95_pow_epoch", "LambdaLR", {}, "0.95 ** epoch"),
    ]
    for name, cls, kw, lam in scheds:
        p = torch.zeros(1, dtype=F64, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        if cls == "LambdaLR":
            sch = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=lambda e: 0.95 ** e)
        else:
            sch = getattr(torch.optim.lr_scheduler, cls)(opt, **kw)
        lrs = []
        for epoch in range(8):
            lrs.append(opt.param_groups[0]["lr"])
            p.grad = torch.zeros(1, dtype=F64)
            opt.step()
            sch.step()
        rec = {"name": name, "kind": "scheduler", "scheduler": cls, "kwargs": kw,
               "optimizer": "SGD", "initialLr": 0.1, "lrs": lrs}
        if lam:
            rec["lambda"] = lam
        cases.append(rec)
    write("optim", cases,
          "float64 params. Each step: p.grad = given grad; optimizer.step(). Hyper-parameters are all "
          "explicit in kwargs (PyTorch names). Schedulers: lrs[k] is the lr in effect during epoch k.")


# ----------------------------------------------------------------------------
# memory.json
# ----------------------------------------------------------------------------

def storage_ptr(t):
    if hasattr(t, "untyped_storage"):
        return t.untyped_storage().data_ptr()
    return t.storage().data_ptr()


def make_memory():
    cases = []
    torch.manual_seed(5)
    base = {k: nn.Sequential(nn.Linear(256, 256), nn.ReLU()) for k in "ABC"}
    x0 = torch.randn(64, 256)

    settings = [
        ("all_trainable", "all parameters require grad"),
        ("A_frozen", "requires_grad=False on A's parameters"),
        ("B_frozen", "requires_grad=False on B's parameters"),
        ("no_grad", "whole forward under torch.no_grad()"),
    ]
    for sname, sdesc in settings:
        mods = {}
        for k in "ABC":
            m = nn.Sequential(nn.Linear(256, 256), nn.ReLU())
            m.load_state_dict(base[k].state_dict())
            mods[k] = m
        if sname == "A_frozen":
            for p in mods["A"].parameters():
                p.requires_grad_(False)
        if sname == "B_frozen":
            for p in mods["B"].parameters():
                p.requires_grad_(False)
        param_ptrs = {}
        for k, m in mods.items():
            for n, p in m.named_parameters():
                param_ptrs[storage_ptr(p)] = "%s.%s" % (k, n)
        x = x0.clone()
        packed = []
        store = []
        last_unpacked = []

        def pack(t):
            store.append(t)
            packed.append(t)
            return len(store) - 1

        def unpack(i):
            last_unpacked.append(i)
            return store[i]

        with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
            if sname == "no_grad":
                with torch.no_grad():
                    out = mods["C"](mods["B"](mods["A"](x)))
            else:
                out = mods["C"](mods["B"](mods["A"](x)))
            loss = out.sum()

        # walk the graph (before backward, so saved tensors are still there)
        nodes, order = {}, []
        frontier = [loss.grad_fn] if loss.grad_fn is not None else []
        while frontier:
            fn = frontier.pop(0)
            if fn is None or id(fn) in nodes:
                continue
            nodes[id(fn)] = len(order)
            order.append(fn)
            for nf, _ in fn.next_functions:
                if nf is not None and id(nf) not in nodes:
                    frontier.append(nf)
        owner = {}
        graph = []
        for fn in order:
            saved = []
            for attr in sorted(a for a in dir(fn) if a.startswith("_saved_")):
                last_unpacked.clear()
                try:
                    val = getattr(fn, attr)
                except Exception:
                    continue
                if isinstance(val, torch.Tensor):
                    idx = last_unpacked[-1] if last_unpacked else None
                    saved.append({"attr": attr, "packIndex": idx, "shape": list(val.shape)})
                    if idx is not None:
                        owner[idx] = (type(fn).__name__, attr)
                elif isinstance(val, (int, float, bool)) or (
                        isinstance(val, tuple) and all(isinstance(v, int) for v in val)):
                    saved.append({"attr": attr, "value": list(val) if isinstance(val, tuple) else val})
            node = {"id": nodes[id(fn)], "name": type(fn).__name__, "saved": saved,
                    "next": [nodes[id(nf)] if nf is not None else None for nf, _ in fn.next_functions]}
            if type(fn).__name__ == "AccumulateGrad":
                node["variable"] = param_ptrs.get(storage_ptr(fn.variable), None)
            graph.append(node)

        sid = {}
        entries = []
        for i, t in enumerate(packed):
            ptr = storage_ptr(t)
            if ptr not in sid:
                sid[ptr] = len(sid)
            g = owner.get(i, (None, None))
            entries.append({
                "index": i, "gradFn": g[0], "attr": g[1], "shape": list(t.shape),
                "dtype": dtype_name(t), "nbytes": t.numel() * t.element_size(),
                "storageId": sid[ptr], "isParam": ptr in param_ptrs,
                "param": param_ptrs.get(ptr),
            })
        total = sum(e["nbytes"] for e in entries)
        uniq, uniq_act = {}, {}
        for e in entries:
            uniq[e["storageId"]] = max(uniq.get(e["storageId"], 0), e["nbytes"])
            if not e["isParam"]:
                uniq_act[e["storageId"]] = max(uniq_act.get(e["storageId"], 0), e["nbytes"])
        cases.append({
            "name": sname,
            "description": (
                "A, B, C = nn.Sequential(nn.Linear(256, 256), nn.ReLU()) (float32, default init); "
                "x = randn(64, 256) float32, requires_grad=False; out = C(B(A(x))); loss = out.sum(). "
                "Forward run inside torch.autograd.graph.saved_tensors_hooks(pack, unpack); every "
                "packed tensor is listed in pack order. Setting: " + sdesc),
            "setting": sname,
            "requiresGrad": {k: all(p.requires_grad for p in m.parameters()) for k, m in mods.items()},
            "packed": entries,
            "numPacked": len(entries),
            "totalBytesPerPack": total,
            "totalBytesUnique": sum(uniq.values()),
            "activationBytesUnique": sum(uniq_act.values()),
            "paramBytesUnique": sum(uniq.values()) - sum(uniq_act.values()),
            "lossRequiresGrad": loss.requires_grad,
            "graph": graph,
        })
    write("memory", cases,
          "float32, shapes only (no data). nbytes = numel * element_size. storageId dedups tensors "
          "sharing a storage (e.g. W.t() saved by addmm shares W's storage; ReLU's saved result is "
          "also the next Linear's saved input). totalBytesUnique counts each storage once (max "
          "nbytes seen); activationBytesUnique excludes parameter storages. graph = BFS over "
          "loss.grad_fn.next_functions; saved[].packIndex points into packed.")


# ----------------------------------------------------------------------------
# gan.json
# ----------------------------------------------------------------------------

def make_gan():
    torch.manual_seed(2024)
    G0 = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2)).double()
    D0 = nn.Sequential(nn.Linear(2, 4), nn.LeakyReLU(0.2), nn.Linear(4, 1)).double()
    set_params(G0, 0.7)
    set_params(D0, 0.7)
    z = torch.randn(4, 2, dtype=F64)
    real = torch.randn(4, 2, dtype=F64) + 1.0
    ones = torch.ones(4, 1, dtype=F64)
    zeros = torch.zeros(4, 1, dtype=F64)
    crit = nn.BCEWithLogitsLoss()

    def fresh():
        G = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2)).double()
        D = nn.Sequential(nn.Linear(2, 4), nn.LeakyReLU(0.2), nn.Linear(4, 1)).double()
        G.load_state_dict(G0.state_dict())
        D.load_state_dict(D0.state_dict())
        return G, D

    def pg(m):
        return {k: T(v) for k, v in m.named_parameters()}

    def gg(m):
        return {k: T(v.grad) for k, v in m.named_parameters()}

    cases = []
    for with_sgd in (False, True):
        G, D = fresh()
        optD = torch.optim.SGD(D.parameters(), lr=0.1) if with_sgd else None
        optG = torch.optim.SGD(G.parameters(), lr=0.1) if with_sgd else None
        G.zero_grad(set_to_none=True)
        D.zero_grad(set_to_none=True)
        fake = G(z)
        d_real = D(real)
        d_fake = D(fake.detach())
        loss_real = crit(d_real, ones)
        loss_fake = crit(d_fake, zeros)
        lossD = loss_real + loss_fake
        lossD.backward()
        dstep = {"fake": T(fake), "dReal": T(d_real), "dFake": T(d_fake),
                 "lossReal": T(loss_real), "lossFake": T(loss_fake), "lossD": T(lossD),
                 "gradsG": gg(G), "gradsD": gg(D)}
        if with_sgd:
            optD.step()
            dstep["paramsDAfterStep"] = pg(D)
        G.zero_grad(set_to_none=True)
        D.zero_grad(set_to_none=True)
        d_fake2 = D(fake)
        lossG = crit(d_fake2, ones)
        lossG.backward()
        gstep = {"dFake": T(d_fake2), "lossG": T(lossG), "gradsG": gg(G), "gradsD": gg(D)}
        if with_sgd:
            optG.step()
            gstep["paramsGAfterStep"] = pg(G)
        desc = (
            "G = Sequential(Linear(2,4), ReLU(), Linear(4,2)), D = Sequential(Linear(2,4), "
            "LeakyReLU(0.2), Linear(4,1)) (float64, explicit params, names '0.weight' etc. as in "
            "named_parameters()); crit = BCEWithLogitsLoss() (mean). "
            "D step: G.zero_grad(set_to_none=True); D.zero_grad(set_to_none=True); fake = G(z); "
            "lossD = crit(D(real), ones) + crit(D(fake.detach()), zeros); lossD.backward() "
            "-> every G grad is None. ")
        if with_sgd:
            desc += "optD = SGD(D.parameters(), lr=0.1); optD.step(). "
        desc += ("G step: G.zero_grad(set_to_none=True); D.zero_grad(set_to_none=True); "
                 "lossG = crit(D(fake), ones) (same fake tensor, graph through G still alive"
                 + (", D already updated" if with_sgd else "") + "); lossG.backward() "
                 "-> grads for both G and D.")
        if with_sgd:
            desc += " optG = SGD(G.parameters(), lr=0.1); optG.step()."
        else:
            desc += " No optimizer steps."
        cases.append({
            "name": "gan_step_sgd" if with_sgd else "gan_step_grads_only",
            "description": desc,
            "z": T(z), "real": T(real),
            "paramsG": pg(G0), "paramsD": pg(D0),
            "dStep": dstep, "gStep": gstep,
        })
    write("gan", cases, "float64; BCEWithLogits mean reduction; targets ones/zeros of shape [4,1].")


def main():
    if tuple(int(v) for v in torch.__version__.split(".")[:2]) < (1, 13):
        print("warning: torch %s is older than 1.13" % torch.__version__, file=sys.stderr)
    make_ops()
    make_article()
    make_nn()
    make_optim()
    make_memory()
    make_gan()


if __name__ == "__main__":
    main()
