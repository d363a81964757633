// The step budget's stop names the knob of the caller that set it: the CLI's option, the editor's
// setting, or the runner API's own option name.
import { describe, expect, it } from "vitest";
import { EDITOR_LIMIT_NAMES, runOptionsOf, DEFAULT_SETTINGS } from "../../src/extension/core/settings";
import { CLI_LIMIT_NAMES, type LimitNames } from "../../src/runner/limits";
import { createStopPolicy } from "../../src/runner/stopRule";

const policy = (steps: number, limitNames?: LimitNames) =>
  createStopPolicy({ steps, deadline: Date.now() + 60_000, timeoutMs: 60_000, memoryLimitBytes: 2 ** 40, memoryMb: 1e6, limitNames });
const stepped = (n: number) => ({ stepsByOptimizer: [n], backwards: n, optimizerLines: [4] });
const noOptimizer = (backwards: number) => ({ stepsByOptimizer: [], backwards });

describe("the step budget's wording", () => {
  it("the CLI names --steps with its value", () => {
    expect(policy(2, CLI_LIMIT_NAMES).beforeStep!(0, stepped(2))?.message).toBe(
      "stopped before the 3rd optimizer step: the optimizer had stepped 2 times (--steps 2)",
    );
    expect(policy(1, CLI_LIMIT_NAMES).beforeBackward!(noOptimizer(20))?.message).toBe(
      "stopped before the 21st backward() call: the file has no optimizer, and 20 backward() calls were checked (--steps 1 × 20)",
    );
  });

  it("the editor names its setting gradlens.stepBudget, never the CLI's option", () => {
    const names = runOptionsOf(DEFAULT_SETTINGS).limitNames;
    expect(names).toBe(EDITOR_LIMIT_NAMES);
    const step = policy(5, names).beforeStep!(0, stepped(5))?.message;
    expect(step).toBe("stopped before the 6th optimizer step: the optimizer had stepped 5 times (setting gradlens.stepBudget = 5)");
    const backward = policy(5, names).beforeBackward!(noOptimizer(100))?.message;
    expect(backward).toBe("stopped before the 101st backward() call: the file has no optimizer, and 100 backward() calls were checked (setting gradlens.stepBudget = 5 × 20)");
    expect(`${step} ${backward}`).not.toContain("--steps");
  });

  it("a runner API caller that names nothing gets the API's option name", () => {
    expect(policy(1).beforeStep!(0, stepped(1))?.message).toBe("stopped before the 2nd optimizer step: the optimizer had stepped once (steps = 1)");
  });

  it("the editor's limits name its settings", () => {
    expect(EDITOR_LIMIT_NAMES).toEqual({
      timeout: "setting gradlens.timeoutSeconds",
      memory: "setting gradlens.memoryLimitMb",
      steps: "setting gradlens.stepBudget",
    });
  });
});
