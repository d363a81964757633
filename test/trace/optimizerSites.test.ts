import { describe, expect, it } from "vitest";
import { optimizerConstructionLines } from "../../src/trace/optimizerSites";
import { createStopPolicy } from "../../src/runner/stopRule";

describe("optimizer constructions in a file's text (multi-phase scripts)", () => {
  it("finds `new optim.X(` and `new X(` for the engine's optimizers, not in comments or other classes", () => {
    const lines = [
      'import { optim, nn } from "gradlens";',
      "const optT = new optim.Adam(teacher.parameters(), { lr: 1e-3 });",
      "// const old = new optim.SGD(model.parameters());",
      "/* new optim.SGD(x)",
      "   new optim.RMSprop(y) */ const sched = new optim.StepLR(optT, 1);",
      "function distil() { const optS = new AdamW(student.parameters()); }",
      "const net = new nn.Linear(2, 2);",
    ];
    expect(optimizerConstructionLines(lines)).toEqual([2, 6]);
  });
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
      message: "stopped before the 2nd optimizer step: all 2 optimizers (made at lines 16, 28) had stepped once (--steps 1)",
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
