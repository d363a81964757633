#!/usr/bin/python3
"""Writes test/fixtures/torch/optim_more.json: the optimizers and lr schedulers of issue 15 item 9
(and the remaining torch.optim.lr_scheduler classes), run by Debian's torch 1.13.

Run with /usr/bin/python3 (pyenv's python3 has no torch):  /usr/bin/python3 scripts/make_optim_fixtures.py
Only behaviour where 1.13 agrees with PyTorch 2.x is recorded here; the tests check 2.x-only options
(maximize on NAdam/RAdam, decoupled_weight_decay) by hand-computed values.
"""
import json
import math
import os

import torch

F64 = torch.float64
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch", "optim_more.json")


def T(t):
    t = t.detach()
    return {"shape": list(t.shape), "dtype": "float64", "data": [float(v) for v in t.reshape(-1).tolist()]}


def optimizers():
    torch.manual_seed(7)
    p0 = [torch.randn(3, dtype=F64), torch.randn(2, 2, dtype=F64)]
    grads = [[torch.randn(3, dtype=F64), torch.randn(2, 2, dtype=F64)] for _ in range(4)]
    configs = [
        ("Adagrad_default", "Adagrad", {}),
        ("Adagrad_lr_decay_wd_init", "Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1,
                                                  "initial_accumulator_value": 0.5}),
        ("Adagrad_maximize", "Adagrad", {"lr": 0.1, "maximize": True}),
        ("Adadelta_default", "Adadelta", {}),
        ("Adadelta_rho_wd", "Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.1}),
        ("Adadelta_maximize", "Adadelta", {"lr": 0.5, "maximize": True}),
        ("Adamax_default", "Adamax", {}),
        ("Adamax_betas_wd", "Adamax", {"lr": 0.1, "betas": [0.8, 0.9], "weight_decay": 0.1}),
        ("Adamax_maximize", "Adamax", {"lr": 0.1, "maximize": True}),
        # NAdam is not here: 1.13 multiplies mu twice into mu_product_next (fixed in 2.x); the tests
        # check 2.x's formula by hand.
        ("RAdam_default", "RAdam", {}),
        ("RAdam_lr_wd", "RAdam", {"lr": 0.1, "betas": [0.8, 0.9], "weight_decay": 0.1}),
    ]
    cases = []
    for name, cls, kw in configs:
        ps = [p.clone().requires_grad_(True) for p in p0]
        ctor = {k: tuple(v) if k == "betas" else v for k, v in kw.items()}
        opt = getattr(torch.optim, cls)(ps, **ctor)
        steps = []
        for g in grads:
            for p, gi in zip(ps, g):
                p.grad = gi.clone()
            opt.step()
            steps.append({"grads": [T(gi) for gi in g], "params": [T(p) for p in ps]})
        cases.append({"name": name, "optimizer": cls, "kwargs": kw, "params": [T(p) for p in p0], "steps": steps})
    # RAdam after the rectification threshold (rho_t > 5 from step 6 with beta2 = 0.999)
    ps = [p.clone().requires_grad_(True) for p in p0]
    opt = torch.optim.RAdam(ps, lr=0.01)
    steps = []
    for k in range(8):
        g = grads[k % 4]
        for p, gi in zip(ps, g):
            p.grad = gi.clone()
        opt.step()
        steps.append({"grads": [T(gi) for gi in g], "params": [T(p) for p in ps]})
    cases.append({"name": "RAdam_8_steps", "optimizer": "RAdam", "kwargs": {"lr": 0.01},
                  "params": [T(p) for p in p0], "steps": steps})
    return cases


def rosenbrock(a, b):
    return ((1 - a) ** 2 + 100 * (b - a * a) ** 2).sum()


def lbfgs():
    cases = []
    configs = [
        ("LBFGS_default_lr0p1", {"lr": 0.1}),
        ("LBFGS_history3_maxiter5", {"lr": 0.05, "history_size": 3, "max_iter": 5}),
        ("LBFGS_strong_wolfe", {"line_search_fn": "strong_wolfe"}),
        ("LBFGS_strong_wolfe_history4", {"line_search_fn": "strong_wolfe", "history_size": 4, "max_iter": 7}),
    ]
    for name, kw in configs:
        a = torch.tensor([-1.5], dtype=F64, requires_grad=True)
        b = torch.tensor([2.0], dtype=F64, requires_grad=True)
        opt = torch.optim.LBFGS([a, b], **kw)
        calls = [0]

        def closure():
            calls[0] += 1
            opt.zero_grad()
            loss = rosenbrock(a, b)
            loss.backward()
            return loss

        steps = []
        for _ in range(3):
            loss = opt.step(closure)
            steps.append({"loss": float(loss), "a": float(a), "b": float(b), "closureCalls": calls[0],
                          "funcEvals": opt.state[a]["func_evals"], "nIter": opt.state[a]["n_iter"]})
        cases.append({"name": name, "kwargs": kw, "start": [-1.5, 2.0], "steps": steps})
    return cases


L = torch.optim.lr_scheduler


def make_scheduler(opt, spec):
    cls, kw = spec["scheduler"], dict(spec.get("kwargs", {}))
    if cls in ("SequentialLR", "ChainedScheduler"):
        subs = [make_scheduler(opt, s) for s in spec["schedulers"]]
        return L.SequentialLR(opt, subs, **kw) if cls == "SequentialLR" else L.ChainedScheduler(subs)
    if cls == "LambdaLR":
        return L.LambdaLR(opt, lambda e: 1.0 / (1 + e))
    if cls == "MultiplicativeLR":
        return L.MultiplicativeLR(opt, lambda e: 0.9)
    return getattr(L, cls)(opt, **kw)


def schedulers():
    specs = [
        ("MultiStepLR", {"scheduler": "MultiStepLR", "kwargs": {"milestones": [2, 5, 5], "gamma": 0.5}}),
        ("LinearLR_default", {"scheduler": "LinearLR", "kwargs": {}}),
        ("LinearLR_warmup", {"scheduler": "LinearLR", "kwargs": {"start_factor": 0.1, "end_factor": 0.8, "total_iters": 4}}),
        ("ConstantLR", {"scheduler": "ConstantLR", "kwargs": {"factor": 0.5, "total_iters": 3}}),
        ("PolynomialLR", {"scheduler": "PolynomialLR", "kwargs": {"total_iters": 6, "power": 2.0}}),
        ("MultiplicativeLR_0p9", {"scheduler": "MultiplicativeLR", "kwargs": {}}),
        ("CosineAnnealingWarmRestarts_T3", {"scheduler": "CosineAnnealingWarmRestarts", "kwargs": {"T_0": 3, "eta_min": 0.001}}),
        ("CosineAnnealingWarmRestarts_T2_mult2", {"scheduler": "CosineAnnealingWarmRestarts", "kwargs": {"T_0": 2, "T_mult": 2}}),
        ("OneCycleLR_cos", {"scheduler": "OneCycleLR", "kwargs": {"max_lr": 1.0, "total_steps": 12},
                            "opt": {"momentum": 0.9}}),
        ("OneCycleLR_linear_three_phase", {"scheduler": "OneCycleLR", "kwargs": {"max_lr": 0.5, "epochs": 3, "steps_per_epoch": 4,
                                           "anneal_strategy": "linear", "three_phase": True, "pct_start": 0.25},
                                           "opt": {"momentum": 0.9}}),
        ("OneCycleLR_adam", {"scheduler": "OneCycleLR", "kwargs": {"max_lr": 0.01, "total_steps": 12}, "optimizer": "Adam"}),
        ("CyclicLR_triangular", {"scheduler": "CyclicLR", "kwargs": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3},
                                 "opt": {"momentum": 0.9}}),
        ("CyclicLR_triangular2", {"scheduler": "CyclicLR", "kwargs": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 2,
                                  "step_size_down": 3, "mode": "triangular2", "cycle_momentum": False}}),
        ("CyclicLR_exp_range", {"scheduler": "CyclicLR", "kwargs": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 2,
                                "mode": "exp_range", "gamma": 0.9}, "opt": {"momentum": 0.9}}),
        ("SequentialLR_linear_then_exp", {"scheduler": "SequentialLR", "kwargs": {"milestones": [3]},
                                          "schedulers": [{"scheduler": "LinearLR", "kwargs": {"start_factor": 0.25, "total_iters": 3}},
                                                         {"scheduler": "ExponentialLR", "kwargs": {"gamma": 0.9}}]}),
        ("SequentialLR_three", {"scheduler": "SequentialLR", "kwargs": {"milestones": [2, 5]},
                                "schedulers": [{"scheduler": "ConstantLR", "kwargs": {"factor": 0.5, "total_iters": 2}},
                                               {"scheduler": "StepLR", "kwargs": {"step_size": 2, "gamma": 0.5}},
                                               {"scheduler": "CosineAnnealingLR", "kwargs": {"T_max": 4}}]}),
        ("ChainedScheduler_constant_exp", {"scheduler": "ChainedScheduler",
                                           "schedulers": [{"scheduler": "ConstantLR", "kwargs": {"factor": 0.1, "total_iters": 2}},
                                                          {"scheduler": "ExponentialLR", "kwargs": {"gamma": 0.9}}]}),
    ]
    cases = []
    for name, spec in specs:
        p = torch.zeros(1, dtype=F64, requires_grad=True)
        q = torch.zeros(1, dtype=F64, requires_grad=True)
        okw = dict(spec.get("opt", {}))
        Opt = torch.optim.Adam if spec.get("optimizer") == "Adam" else torch.optim.SGD
        opt = Opt([{"params": [p]}, {"params": [q], "lr": 0.05}], lr=0.1, **okw)
        sch = make_scheduler(opt, spec)
        lrs, momenta, last = [], [], []
        for _ in range(12):
            lrs.append([g["lr"] for g in opt.param_groups])
            last.append(sch.get_last_lr())
            momenta.append([g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups])
            p.grad = torch.zeros(1, dtype=F64)
            q.grad = torch.zeros(1, dtype=F64)
            opt.step()
            sch.step()
        cases.append({"name": name, **spec, "optimizer": spec.get("optimizer", "SGD"), "opt": okw,
                      "groups": [{"lr": 0.1}, {"lr": 0.05}], "lrs": lrs, "lastLrs": last, "momenta": momenta})
    # ReduceLROnPlateau: lr after each step(metric)
    plateau = []
    metrics = [1.0, 0.9, 0.95, 0.95, 0.94, 0.96, 0.97, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0]
    for name, kw in [("plateau_min_rel", {"patience": 2}),
                     ("plateau_max_abs_cooldown", {"mode": "max", "threshold_mode": "abs", "threshold": 0.05,
                                                   "patience": 1, "cooldown": 2, "factor": 0.5, "min_lr": [0.02, 0.01]}),
                     ("plateau_min_lr_eps", {"patience": 0, "factor": 0.5, "min_lr": 0.03, "eps": 0.01})]:
        p = torch.zeros(1, dtype=F64, requires_grad=True)
        q = torch.zeros(1, dtype=F64, requires_grad=True)
        opt = torch.optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.05}], lr=0.1)
        sch = L.ReduceLROnPlateau(opt, **kw)
        lrs = []
        for m in metrics:
            sch.step(m)
            lrs.append([g["lr"] for g in opt.param_groups])
        plateau.append({"name": name, "kwargs": kw, "metrics": metrics, "lrs": lrs})
    return cases, plateau


def main():
    sched, plateau = schedulers()
    doc = {
        "generator": "scripts/make_optim_fixtures.py", "torch": torch.__version__,
        "note": ("float64. optimizers: each step sets p.grad = grads[i] then step(); params after it. "
                 "lbfgs: Rosenbrock (1-a)^2 + 100 (b - a^2)^2 from start, 3 step(closure) calls. "
                 "schedulers: SGD/Adam with groups lr 0.1 and 0.05, lrs[k] = group lrs during epoch k."),
        "optimizers": optimizers(), "lbfgs": lbfgs(), "schedulers": sched, "plateau": plateau,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
