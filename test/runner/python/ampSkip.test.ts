import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze } from "../../../src/analysis";
import { runPythonFile } from "../../../src/runner/python/runPython";
import { validateTrace, type Trace } from "../../../src/trace/schema";
import { torchPython, NO_TORCH } from "./torchPython";

// Mixed precision: GradScaler.step(opt) calls opt.step() only when the unscaled gradients are finite,
// so the first iterations (the scale starts at 2**16) skip it. The CI's torch 1.13 has no CUDA, so the
// scripts use amp/cpu_grad_scaler.py: torch's own GradScaler.step()/unscale_() decide the skip, on
// CPU equivalents of the two CUDA-only kernels (see that file). It is imported from outside the
// script's folder, so the tracer sees it as a library, as it sees torch's GradScaler.

const SCRIPT_HEAD = [
  "import os",
  "import sys",
  "import torch",
  "import torch.nn as nn",
  "sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))",
  "from cpu_grad_scaler import CPUGradScaler",
  "",
  "",
  "class HalfLinear(nn.Module):",
  "    \"\"\"A linear layer computed in float16 from float32 weights, as autocast runs it.\"\"\"",
  "",
  "    def __init__(self):",
  "        super().__init__()",
  "        self.weight = nn.Parameter(torch.tensor([0.5, -0.25, 0.125]))",
  "        self.bias = nn.Parameter(torch.tensor([0.0]))",
  "",
  "    def forward(self, x):",
  "        return (x.half() * self.weight.half()).sum(-1, keepdim=True) + self.bias.half()",
  "",
  "",
  "model = HalfLinear()",
  "opt = torch.optim.SGD(model.parameters(), lr=0.01)",
  "scaler = CPUGradScaler(init_scale=2.0 ** 16)",
  "x = torch.tensor([[3.0, -2.0, 1.0], [1.0, 2.0, -3.0], [2.0, 2.0, 2.0], [-1.0, 3.0, 0.5]])",
  "y = torch.tensor([[4.0], [-3.0], [1.0], [2.0]])",
];
// lines 26-31 of both scripts: the canonical loop
const LOOP = [
  "for i in range(1000):",
  "    loss = (model(x).float() - y).pow(2).mean()",
  "    scaler.scale(loss).backward()",
  "    scaler.step(opt)",
  "    scaler.update()",
  "    opt.zero_grad()",
  "    print(i, scaler.get_scale())",
];
const STEP_LINE = 29;
const CLEAR_LINE = 31;

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gradlens-amp-py-"));
  mkdirSync(join(dir, "lib"));
  mkdirSync(join(dir, "run"));
  copyFileSync(join(process.cwd(), "test/runner/python/amp/cpu_grad_scaler.py"), join(dir, "lib", "cpu_grad_scaler.py"));
  writeFileSync(join(dir, "run", "overflow.py"), [...SCRIPT_HEAD, ...LOOP].join("\n") + "\n");
  // a NaN in the data: every step's gradients are NaN, GradScaler skips every step
  writeFileSync(join(dir, "run", "nan.py"), [...SCRIPT_HEAD.slice(0, -1), "y = torch.tensor([[4.0], [float('nan')], [1.0], [2.0]])", ...LOOP].join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (name: string) => runPythonFile(name, { python: torchPython!, cwd: join(dir, "run"), timeoutMs: 60_000 });
const stepsOf = (t: Trace) => t.steps.map((s) => [s.index, s.skipped ?? false, s.changes.map((c) => [c.changed, c.hadGrad]), s.site?.line]);

describe.skipIf(torchPython === null)(`GradScaler skipping the optimizer's step (${torchPython ?? NO_TORCH})`, () => {
  it("overflow in the first iterations: skipped steps recorded, the check waits for a step that runs, no finding", async () => {
    const trace = await run("overflow.py");
    expect(validateTrace(trace)).toEqual([]);
    expect(trace.error).toBeNull();
    // 2**16, 2**15 and 2**14 overflow float16's gradient (> 65504); at 2**13 the step runs
    expect(trace.console).toEqual(["0 32768.0", "1 16384.0", "2 8192.0", "3 8192.0"]);
    const skipped = [[false, true], [false, true]];
    expect(stepsOf(trace)).toEqual([
      [0, true, skipped, STEP_LINE], [1, true, skipped, STEP_LINE], [2, true, skipped, STEP_LINE], [3, false, [[true, true], [true, true]], STEP_LINE],
    ]);
    expect(trace.stopped).toMatchObject({ reason: "step-budget", line: STEP_LINE, message: "stopped before the 2nd optimizer step: the optimizer had stepped once (steps = 1)" });
    const report = analyze(trace);
    expect(report.findings).toEqual([]);
    expect(report.parameters.map((p) => [p.name, p.status])).toEqual([["model.weight", "updated"], ["model.bias", "updated"]]);
    expect(report.optimizers.map((o) => o.steps)).toEqual([1]);
    // the trace without the skipped records is what the tracer wrote before it wrapped GradScaler.step:
    // it reads as zero_grad() between micro-batches, a false GL002 on the canonical loop
    const unaware = analyze({ ...trace, steps: trace.steps.filter((s) => s.skipped !== true) });
    expect(unaware.findings.map((f) => [f.code, f.line])).toEqual([["GL002", CLEAR_LINE]]);
  }, 90_000);

  it("NaN gradients every iteration: the run stops after 50 skipped steps, nothing is updated, GL002 names GradScaler", async () => {
    const trace = await run("nan.py");
    expect(trace.error).toBeNull();
    expect(trace.steps).toHaveLength(50);
    expect(trace.steps.every((s) => s.skipped === true && s.changes.every((c) => !c.changed))).toBe(true);
    expect(trace.stopped).toMatchObject({
      reason: "step-budget", line: STEP_LINE,
      message: "stopped before the 51st scaler.step() of one optimizer: GradScaler skipped the 50 before it (inf or NaN gradients each time)",
    });
    const report = analyze(trace);
    expect(report.complete).toBe(false);
    expect(report.parameters.map((p) => [p.name, p.status, p.updated])).toEqual([["model.weight", "grad-not-applied", false], ["model.bias", "grad-not-applied", false]]);
    expect(report.findings.map((f) => [f.code, f.severity, f.message.includes("GradScaler skipped every opt.step()")])).toEqual([["GL002", "warning", true]]);
  }, 90_000);
});
