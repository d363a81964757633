import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EDITOR_LIMIT_NAMES } from "../../../src/extension/core/settings";
import { runPythonFile } from "../../../src/runner/python/runPython";
import { torchPython, NO_TORCH } from "./torchPython";

// Fine-tuning that unfreezes in a second phase, with that phase's optimizer made in one of the
// user's own modules: the early stop waits for it (the TS runner reads the whole bundle; the tracer
// reads the script and the user's modules it imports), so the second phase is seen too.

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gradlens-phases-py-"));
  mkdirSync(join(dir, "training"));
  writeFileSync(join(dir, "training", "__init__.py"), "");
  writeFileSync(join(dir, "training", "finetune.py"), [
    "import torch",
    "",
    "def unfreeze_and_train(model, steps):",
    "    for p in model[0].parameters():",
    "        p.requires_grad_(True)",
    "    opt = torch.optim.SGD(model.parameters(), lr=0.01)",
    "    for _ in range(steps):",
    "        opt.zero_grad()",
    "        model(torch.randn(4, 3)).sum().backward()",
    "        opt.step()",
  ].join("\n") + "\n");
  writeFileSync(join(dir, "train.py"), [
    "import torch",
    "from training.finetune import unfreeze_and_train",
    "model = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Linear(3, 1))",
    "for p in model[0].parameters():",
    "    p.requires_grad_(False)",
    "head = torch.optim.SGD(model[1].parameters(), lr=0.1)",
    "for _ in range(50):",
    "    head.zero_grad()",
    "    model(torch.randn(4, 3)).sum().backward()",
    "    head.step()",
    "unfreeze_and_train(model, 50)",
  ].join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("waits for an optimizer made in a module the script imports from the user's folder", async () => {
  expect(torchPython, NO_TORCH).not.toBeNull();
  const trace = await runPythonFile("train.py", { python: torchPython!, cwd: dir, timeoutMs: 60_000, limitNames: EDITOR_LIMIT_NAMES });
  expect(trace.error).toBeNull();
  expect(trace.optimizers.map((o) => [o.name, o.site?.file, o.site?.line])).toEqual([["head", "train.py", 6], ["opt", "training/finetune.py", 6]]);
  expect(trace.stopped).toMatchObject({
    reason: "step-budget",
    message: "stopped before the 2nd optimizer step: all 2 optimizers (made at lines 6, 6) had stepped once (setting gradlens.stepBudget = 1)",
    file: "training/finetune.py", line: 10,
  });
  // the first phase ran through (50 head steps), the second stepped once
  expect(trace.steps.map((s) => s.optimizer)).toEqual([...Array(50).fill(0), 1]);
}, 90_000);
