"""PyTorch's errors for bad sizes, indices and .grad assignments -> test/fixtures/torch/validation.json.

Run with Debian's torch: /usr/bin/python3 scripts/make_validation_fixtures.py
Each case: the engine call (as the TS test spells it), PyTorch's exception type and first message line.
"""
import json
import os

import torch

w = torch.ones(2, 3, requires_grad=True)


def assign(v):
    w.grad = v


CASES = [
    ("ones(4).split(0)", lambda: torch.ones(4).split(0)),
    ("ones(4).split(-1)", lambda: torch.ones(4).split(-1)),
    ("eye(-1)", lambda: torch.eye(-1)),
    ("ones(3).expand(-1, 3)", lambda: torch.ones(3).expand(-1, 3)),
    ("ones(3).expand(2, -2)", lambda: torch.ones(3).expand(2, -2)),
    ("ones(-1)", lambda: torch.ones(-1)),
    ("ones(1.5)", lambda: torch.ones(1.5)),
    ("ones(3, 3).select(0, 1.5)", lambda: torch.ones(3, 3).select(0, 1.5)),
    ("ones(3, 3).select(0, 5)", lambda: torch.ones(3, 3).select(0, 5)),
    ("w.grad = ones(3, 2)", lambda: assign(torch.ones(3, 2))),
    ("w.grad = ones([2, 3], { dtype: 'float64' })", lambda: assign(torch.ones(2, 3, dtype=torch.float64))),
    ("w.grad = 3", lambda: assign(3)),
]

out = []
for call, fn in CASES:
    try:
        fn()
        out.append({"call": call, "type": None, "message": None})
    except Exception as e:  # the oracle's own error is the datum
        out.append({"call": call, "type": type(e).__name__, "message": str(e).splitlines()[0]})

path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch", "validation.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "cases": out}, f, indent=1)
    f.write("\n")
