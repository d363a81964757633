import { describe, expect, it } from "vitest";
import { runPythonFile } from "../../../src/runner/python/runPython";
import { analyze } from "../../../src/analysis";
import { torchPython, NO_TORCH } from "./torchPython";

// The article's snippets as the article writes them, checked in real torch: each cut is found at the
// article's line, each parameter gets the status the article describes.

const check = async (name: string) => {
  const r = analyze(await runPythonFile(`examples/python/article/${name}.py`, { cwd: process.cwd(), python: torchPython! }));
  return {
    statuses: Object.fromEntries(r.parameters.map((p) => [p.name, p.cause === null ? p.status : `${p.status}: ${p.cause.kind} @${p.cause.line}`])),
    findings: r.findings.map((f) => `${f.code} @${f.line}`),
    error: r.error,
  };
};

describe.skipIf(torchPython === null)(`the article's PyTorch snippets (${torchPython ?? NO_TORCH})`, () => {
  it("branch: without detach both backward() calls accumulate into x (56); with it, none", async () => {
    expect((await check("branch_no_detach")).findings).toEqual(["GL005 @16"]);
    expect((await check("branch_detach")).findings).toEqual([]);
  }, 60_000);

  it("chain: detach and no_grad cut lin0 and lin1; requires_grad = False freezes only lin2", async () => {
    const detach = await check("chain_detach");
    expect(detach.statuses["lin1.weight"]).toBe("cut: detach @14");
    expect(detach.statuses["lin0.bias"]).toBe("cut: detach @14");
    expect((await check("chain_no_grad")).statuses["lin0.weight"]).toBe("cut: no-grad @13");
    const frozen = await check("chain_requires_grad");
    expect(frozen.statuses["lin2.weight"]).toBe("frozen: requires-grad-false @16");
    expect(frozen.statuses["lin1.weight"]).toBe("grad-not-applied: not-in-optimizer @10");
  }, 90_000);

  it("optimizers: a subset leaves model_1's gradient unapplied, lr 0 groups never move", async () => {
    const subset = await check("optimizer_subset");
    expect(subset.statuses["curr_model.model_1.weight"]).toBe("grad-not-applied: not-in-optimizer @10");
    expect(subset.statuses["curr_model.fc.weight"]).toBe("updated");
    expect(subset.findings).toEqual(["GL004 @20"]);
    const groups = await check("lr_zero_groups");
    expect(groups.statuses).toMatchObject({
      "model.model_1.weight": "updated", "model.model_2.weight": "grad-not-applied: lr-zero @19", "model.fc.bias": "grad-not-applied: lr-zero @19",
    });
  }, 90_000);
});
