import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze } from "../../../src/analysis";
import { runPythonFile } from "../../../src/runner/python/runPython";
import { validateTrace } from "../../../src/trace/schema";
import { torchPython, NO_TORCH } from "./torchPython";

// optimizer.step(closure): torch's LBFGS calls the script's closure (zero_grad, forward, backward)
// from inside step(). That work is the script's: the tracer records it as the engine's LBFGS does,
// not as the optimizer's own machinery (which would leave "no backward() was called" and a GL001
// error on the style-transfer tutorial). Both ways of passing the closure are covered.

const script = (call: string) => [
  "import torch",
  "torch.manual_seed(0)",
  "model = torch.nn.Linear(3, 1)",
  "opt = torch.optim.LBFGS(model.parameters(), max_iter=4)",
  "x, y = torch.randn(8, 3), torch.randn(8, 1)",
  "for i in range(3):",
  "    def closure():",
  "        opt.zero_grad()",
  "        loss = (model(x) - y).pow(2).mean()",
  "        loss.backward()",
  "        return loss",
  `    ${call}`,
].join("\n") + "\n";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gradlens-closure-py-"));
  writeFileSync(join(dir, "positional.py"), script("opt.step(closure)"));
  writeFileSync(join(dir, "keyword.py"), script("opt.step(closure=closure)"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(torchPython === null)(`step(closure) runs the script's closure as the script's code (${torchPython ?? NO_TORCH})`, () => {
  it.each(["positional.py", "keyword.py"])("%s: its backward() calls and clears are recorded, the step applied the gradient, no finding", async (name) => {
    const trace = await runPythonFile(name, { python: torchPython!, cwd: dir, timeoutMs: 60_000 });
    expect(validateTrace(trace)).toEqual([]);
    expect(trace.error).toBeNull();
    // LBFGS evaluates the closure once per iteration (max_iter 4, at most 5 evaluations): all inside the one step
    expect(trace.backwards.length).toBeGreaterThanOrEqual(2);
    expect(trace.backwards.every((b) => b.site?.line === 10 && b.seq < trace.steps[0].seq)).toBe(true);
    expect(trace.zeroGrads.map((z) => z.site?.line)).toEqual(trace.backwards.map(() => 8));
    expect(trace.steps.map((s) => s.changes.map((c) => [c.changed, c.hadGrad]))).toEqual([[[true, true], [true, true]]]);
    const report = analyze(trace);
    expect(report.parameters.map((p) => [p.name, p.status])).toEqual([["model.weight", "updated"], ["model.bias", "updated"]]);
    expect(report.findings).toEqual([]);
  }, 90_000);
});
