import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPythonFile } from "../../../src/runner/python/runPython";
import { validateTrace } from "../../../src/trace/schema";
import { analyze } from "../../../src/analysis";
import { torchPython, NO_TORCH } from "./torchPython";

// The Python tracer records a write into a parameter's memory through another tensor over it
// (`p.data`, `p.detach()`, a state_dict() value, a view) with `aliasOf` naming the parameter, found by
// the storage's address; `p.data = x` from the user's code, load_state_dict (one record per parameter
// loaded, at the caller's line) and torch._foreach_*_ are writes of the parameters themselves. torch
// runs the script: the printed values show each write reached the parameter (or, for the clone, not).

const SCRIPT = `import torch
import torch.nn as nn

torch.manual_seed(0)
a = nn.Linear(2, 1)
b = nn.Linear(2, 1)
with torch.no_grad():
    a.weight.data.mul_(0.5).add_(b.weight.data, alpha=0.5)
    a.bias.detach().copy_(b.bias)
    a.weight.data[0, 1:].fill_(3.0)
    b.state_dict()["bias"].copy_(torch.tensor([7.0]))
    b.weight.data.clone().mul_(3)
a.double()
a.weight.data.mul_(2)
a.bias.data = a.bias.data * 0.5
a.load_state_dict({"weight": torch.ones(1, 2), "bias": torch.zeros(1)})
a.load_state_dict({"weight": torch.ones(1, 2), "bias": torch.ones(1)})
b.load_state_dict(b.state_dict())
torch._foreach_mul_(list(b.parameters()), 0.5)
print(a.weight.dtype, a.weight.tolist(), a.bias.tolist(), b.bias.tolist())
`;

const dir = mkdtempSync(join(tmpdir(), "gradlens-alias-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lineOf = (text: string) => SCRIPT.split("\n").findIndex((l) => l.includes(text)) + 1;

describe("writes through aliases of parameters, traced in PyTorch", () => {
  it("names the parameter behind .data, detach(), a view and a state_dict() value; load_state_dict and _foreach_mul_ write it", async () => {
    expect(torchPython, NO_TORCH).not.toBeNull();
    writeFileSync(join(dir, "aliases.py"), SCRIPT);
    const trace = await runPythonFile("aliases.py", { cwd: dir, python: torchPython!, timeoutMs: 60_000 });
    expect(trace.error).toBeNull();
    expect(validateTrace(JSON.parse(JSON.stringify(trace)))).toEqual([]);
    // torch's values: every write but the clone's reached a parameter, .double() moved a's memory
    expect(trace.console).toEqual(["torch.float64 [[1.0, 1.0]] [1.0] [3.5]"]);
    const name = new Map(trace.leaves.map((l) => [l.id, l.name]));
    expect(trace.inplaces.map((r) => [r.op, name.get(r.tensor) ?? "alias", r.aliasOf === undefined ? null : name.get(r.aliasOf), r.site?.line])).toEqual([
      ["mul_", "alias", "a.weight", lineOf("a.weight.data.mul_(0.5)")],
      ["add_", "alias", "a.weight", lineOf("a.weight.data.mul_(0.5)")],
      ["copy_", "alias", "a.bias", lineOf("a.bias.detach()")],
      ["fill_", "alias", "a.weight", lineOf("fill_(3.0)")],
      ["copy_", "alias", "b.bias", lineOf("b.state_dict()")],
      ["mul_", "alias", null, lineOf("clone()")],
      // after .double() (torch's own `param.data = ...`, not a write the file made) a's memory is new
      ["mul_", "alias", "a.weight", lineOf("a.weight.data.mul_(2)")],
      ["data=", "a.bias", null, lineOf("a.bias.data =")],
      ["load_state_dict", "a.weight", null, lineOf("load_state_dict")],
      ["load_state_dict", "a.bias", null, lineOf("load_state_dict")],
      // a load that leaves a parameter's values as they were writes nothing (restoring the best weights)
      ["load_state_dict", "a.bias", null, lineOf('"bias": torch.ones(1)')],
      ["_foreach_mul_", "b.weight", null, lineOf("_foreach_mul_")],
      ["_foreach_mul_", "b.bias", null, lineOf("_foreach_mul_")],
    ]);
    // the copies inside load_state_dict are torch's code, not ops of the file
    expect(trace.ops.filter((o) => o.site !== null && o.site.line >= lineOf("load_state_dict") && o.site.line <= lineOf("b.load_state_dict"))).toEqual([]);
  }, 90_000);

  it("an EMA kept by a library (timm-style ModelEmaV2, _foreach_ ops, torch's swa_utils.AveragedModel) is updated by hand at the user's call", async () => {
    expect(torchPython, NO_TORCH).not.toBeNull();
    // the library sits outside the project folder, as site-packages does: its ops are not the file's
    mkdirSync(join(dir, "lib"), { recursive: true });
    mkdirSync(join(dir, "proj"), { recursive: true });
    writeFileSync(join(dir, "lib", "emalib.py"), LIBRARY);
    writeFileSync(join(dir, "proj", "train.py"), TRAIN);
    const trace = await runPythonFile("train.py", { cwd: join(dir, "proj"), python: torchPython!, timeoutMs: 60_000 });
    expect(trace.error).toBeNull();
    expect(trace.console).toEqual(["True"]); // torch's values: the first average of the copies is the model
    const report = analyze(trace);
    const line = (text: string) => TRAIN.split("\n").findIndex((l) => l.includes(text)) + 1;
    expect(report.parameters.map((p) => [p.name, p.status, p.updatedByHand?.line ?? null])).toEqual([
      ["model.weight", "updated", null], ["model.bias", "updated", null],
      ["ema.module.weight", "updated", line("ema.update")], ["ema.module.bias", "updated", line("ema.update")],
      ["ema_foreach.module.weight", "updated", line("ema_foreach.update")], ["ema_foreach.module.bias", "updated", line("ema_foreach.update")],
      ["swa.module.weight", "updated", line("swa.update_parameters")], ["swa.module.bias", "updated", line("swa.update_parameters")],
    ]);
    expect(report.parameters.find((p) => p.name === "swa.module.weight")?.note).toBe(
      `swa.module.weight gets no gradient; it is updated by hand at train.py:${line("swa.update_parameters")} (copy_, not by an optimizer), e.g. as a moving average of other weights`,
    );
    // the library's writes before the first backward() (deepcopy, AveragedModel's set-up) are not recorded
    expect(trace.inplaces.every((r) => r.site !== null && r.site.line >= line("ema.update"))).toBe(true);
  }, 90_000);
});

const LIBRARY = `from copy import deepcopy

import torch


class ModelEmaV2(torch.nn.Module):
    def __init__(self, model, decay=0.9999):
        super().__init__()
        self.module = deepcopy(model)
        self.module.eval()
        self.decay = decay

    def update(self, model):
        with torch.no_grad():
            for ema_v, model_v in zip(self.module.state_dict().values(), model.state_dict().values()):
                ema_v.copy_(self.decay * ema_v + (1. - self.decay) * model_v)


class ModelEmaForeach(torch.nn.Module):
    def __init__(self, model, decay=0.9999):
        super().__init__()
        self.module = deepcopy(model)
        self.decay = decay

    @torch.no_grad()
    def update(self, model):
        ema = list(self.module.parameters())
        torch._foreach_mul_(ema, self.decay)
        torch._foreach_add_(ema, list(model.parameters()), alpha=1. - self.decay)
`;

const TRAIN = `import os
import sys

import torch
import torch.nn as nn
from torch.optim.swa_utils import AveragedModel

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from emalib import ModelEmaForeach, ModelEmaV2  # noqa: E402

torch.manual_seed(0)
model = nn.Linear(3, 2)
ema = ModelEmaV2(model, 0.9)
ema_foreach = ModelEmaForeach(model, 0.9)
swa = AveragedModel(model)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(3):
    loss = model(torch.randn(4, 3)).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    ema.update(model)
    ema_foreach.update(model)
    swa.update_parameters(model)
    print(bool((swa.module.weight == model.weight).all()))
`;
