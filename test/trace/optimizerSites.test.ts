import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { optimizerConstructionSites, warmUpOptimizerSites } from "../../src/trace/optimizerSites";
import type { Site } from "../../src/trace/schema";
import { bundleUserFile } from "../../src/runner/bundle";
import { BundleSourceMap } from "../../src/runner/sourceMap";
import { spawnSync } from "node:child_process";
import { torchPython, NO_TORCH } from "../runner/python/torchPython";
import { runPythonFile } from "../../src/runner/python/runPython";
import { createStopPolicy } from "../../src/runner/stopRule";

// The file is bundled as the worker runs it (esbuild), parsed, and the sites mapped back to its lines.
async function sitesOf(source: string): Promise<Site[]> {
  const dir = mkdtempSync(join(tmpdir(), "gradlens-optsites-"));
  try {
    const file = join(dir, "phases.ts");
    writeFileSync(file, source);
    const bundle = await bundleUserFile(file, (abs) => relative(dir, abs), dir);
    if (!bundle.ok) throw new Error(bundle.error.message);
    return optimizerConstructionSites(bundle.code, new BundleSourceMap(bundle.map, bundle.outDir, (abs) => relative(dir, abs)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("optimizer constructions in the code (multi-phase scripts)", () => {
  it("finds the engine's optimizers however they are named or laid out, and nothing in comments or strings", async () => {
    const lines = [
      'import { optim, nn } from "gradlens"; const PlainSGD = optim.SGD;',
      "const teacher = new nn.Linear(2, 2), student = new nn.Linear(2, 2);",
      "const optT = new optim.Adam(teacher.parameters(), { lr: 1e-3 });",
      "// const old = new optim.SGD(teacher.parameters());",
      "/* new optim.SGD(x)",
      "   new optim.RMSprop(y) */ const sched = new optim.StepLR(optT, 1);",
      'console.log("new optim.SGD(student.parameters())", `new optim.Adam(${1})`);',
      "const { AdamW } = optim;",
      "export function distil() {",
      "  const optS = new AdamW(student.parameters());",
      "  const optB = new",
      "    optim.RMSprop(student.parameters());",
      "  return [optS, optB, new PlainSGD(teacher.parameters(), { lr: 0.1 })];",
      "}",
      "class Adam { constructor(readonly lr: number) {} }",
      "const notAnOptimizer = new Adam(0.1);",
      "console.log(sched, notAnOptimizer, distil());",
    ];
    const sites = await sitesOf(lines.join("\n"));
    expect(sites.map((s) => `${s.file}:${s.line}`)).toEqual(["phases.ts:3", "phases.ts:10", "phases.ts:11", "phases.ts:13"]);
  });

  it("the child's warm-up parse reads its whole sample (a syntax error would leave the parser cold)", () => {
    expect(warmUpOptimizerSites()).toEqual([{ file: "warm-up.js", line: 72, column: 30 }]);
  });
});

describe("optimizer constructions in a PyTorch script (the tracer's syntax-tree reading)", () => {
  it("finds torch.optim.X(...), optim.X(...), X(...) and `import ... as` aliases; not comments, strings or schedulers", () => {
    expect(torchPython, NO_TORCH).not.toBeNull();
    const script = [
      "import torch",
      "from torch.optim import AdamW as W",
      "opt_t = torch.optim.Adam(teacher.parameters(), lr=1e-3)",
      "# old = torch.optim.SGD(model.parameters())",
      'print("optim.SGD(student.parameters())")',
      "sched = torch.optim.lr_scheduler.StepLR(opt_t, 1)",
      "def distil():",
      "    opt_s = W(student.parameters())",
      "    opt_b = optim.RMSprop(",
      "        student.parameters(), lr=0.1)",
    ].join("\n");
    const code = [
      "import sys, json, torch",
      "sys.path.insert(0, 'src/runner/python')",
      "import gradlens_tracer as t",
      "names = [n for n, c in vars(torch.optim).items() if isinstance(c, type) and issubclass(c, torch.optim.Optimizer)]",
      "print(json.dumps(t.optimizer_construction_lines(sys.stdin.read(), names)))",
    ].join("\n");
    const r = spawnSync(torchPython!, ["-c", code], { input: script, encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual([3, 8, 9]);
  }, 60_000);
});

describe("the early stop waits for a later phase's optimizer", () => {
  const policy = (timeoutMs = 10_000) =>
    createStopPolicy({ steps: 1, deadline: Date.now() + timeoutMs, timeoutMs, memoryLimitBytes: 2 ** 40, memoryMb: 1e6 });

  it("does not stop before the teacher's 2nd step while the student's optimizer is still to come", () => {
    const counts = { stepsByOptimizer: [1], backwards: 1, optimizerLines: [16], optimizersToCome: [{ file: "d.ts", line: 28 }] };
    expect(policy().beforeStep!(0, counts)).toBeNull();
    // once it was made and stepped, the usual rule stops, naming where the phases' optimizers were made
    const after = { stepsByOptimizer: [3, 1], backwards: 4, optimizerLines: [16, 28], optimizersToCome: [] };
    expect(policy().beforeStep!(1, after)).toEqual({
      reason: "step-budget",
      message: "stopped before the 2nd optimizer step: all 2 optimizers (made at lines 16, 28) had stepped once (steps = 1)",
    });
  });

  it("an optimizer that never comes: a clean stop at 60% of the time budget, not a timeout", () => {
    const counts = { stepsByOptimizer: [5], backwards: 5, optimizerLines: [16], optimizersToCome: [{ file: "d.ts", line: 28 }] };
    const late = createStopPolicy({ steps: 1, deadline: Date.now() + 3_000, timeoutMs: 10_000, memoryLimitBytes: 2 ** 40, memoryMb: 1e6 });
    expect(late.poll!(counts)).toEqual({
      reason: "step-budget",
      message: "stopped at 60% of the time budget: every optimizer made so far had stepped, but the one at line 28 was not made yet",
    });
    expect(policy().poll!(counts)).toBeNull();
  });
});

describe("the Python tracer waits for a later phase's optimizer the same way", () => {
  it("an optimizer that is never made (a branch not taken): a clean stop at 60% of the time budget", async () => {
    expect(torchPython, NO_TORCH).not.toBeNull();
    const dir = mkdtempSync(join(tmpdir(), "gradlens-optsites-py-"));
    try {
      writeFileSync(join(dir, "phases.py"), [
        "import torch",
        "model = torch.nn.Linear(2, 1)",
        "opt = torch.optim.SGD(model.parameters(), lr=0.1)",
        "for i in range(10**9):",
        "    opt.zero_grad()",
        "    model(torch.randn(4, 2)).sum().backward()",
        "    opt.step()",
        "if False:",
        "    finetune = torch.optim.Adam(model.parameters())",
      ].join("\n"));
      const trace = await runPythonFile(join(dir, "phases.py"), { python: torchPython!, timeoutMs: 5_000, cwd: dir });
      expect(trace.error).toBeNull();
      expect(trace.stopped).toMatchObject({
        reason: "step-budget", line: 7,
        message: "stopped at 60% of the time budget: every optimizer made so far had stepped, but the one at line 9 was not made yet",
      });
      expect(trace.steps.length).toBeGreaterThan(1); // it did wait past the usual stop at the 2nd step
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
