import { describe, expect, it } from "vitest";
import { nn, optim, noGrad, randn, manualSeed } from "gradlens";
import { analyze } from "../../src/analysis";
import type { Report } from "../../src/protocol/report";
import { traceInProcess } from "./realTrace";

// A parameter that gets no gradient but whose values the file writes outside autograd once training
// has begun (an EMA / momentum target) is updated — by hand, not by an optimizer — never "frozen" or
// "cut". PyTorch's semantics: `noGrad(() => pt.mul_(m).add_(po, { alpha: 1 - m }))` changes pt's
// values (pt ← m·pt + (1 − m)·po) and records no graph; an optimizer skips a parameter without .grad.

/** Parameters by name without the root's "Pair#n." (the in-process run has no variable names). */
const byName = (r: Report) => Object.fromEntries(r.parameters.map((p) => [p.name.replace(/^[^.]*\./, ""), p]));
const codes = (r: Report) => r.findings.map((f) => f.code);

/** online trained by SGD; target (requiresGrad `targetGrad`) written by `write` at "line" 7 after every step. */
function emaRun(options: { targetGrad: boolean; write: "ema" | "lerp" | "none"; copyFirst?: boolean; batchNorm?: boolean }) {
  manualSeed(3);
  let before: number[] = [], after: number[] = [];
  const report = analyze(traceInProcess("ema.ts", (at) => {
    at(1);
    const make = () => (options.batchNorm ? new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2)) : new nn.Sequential(new nn.Linear(3, 2)));
    class Pair extends nn.Module {
      online = make();
      target = make();
    }
    const { online, target } = new Pair();
    at(3);
    if (!options.targetGrad) target.requiresGrad_(false);
    at(4);
    // loading the weights before training is initialisation, not an update
    if (options.copyFirst) noGrad(() => [...target.parameters()].forEach((p, i) => p.copy_([...online.parameters()][i])));
    const opt = new optim.SGD(online.parameters(), { lr: 0.1 });
    before = ([...target.parameters()][0].tolist() as number[][]).flat();
    for (let i = 0; i < 2; i++) {
      at(5);
      const x = randn(4, 3);
      const loss = online.call(x).sub(noGrad(() => target.call(x))).pow(2).mean();
      opt.zeroGrad();
      loss.backward();
      opt.step();
      at(7);
      const tp = [...target.parameters()], op = [...online.parameters()];
      if (options.write === "ema") noGrad(() => tp.forEach((p, j) => p.mul_(0.9).add_(op[j], { alpha: 0.1 })));
      if (options.write === "lerp") noGrad(() => tp.forEach((p, j) => p.lerp_(op[j], 0.1)));
    }
    after = ([...target.parameters()][0].tolist() as number[][]).flat();
  }));
  return { report, before, after };
}

describe("parameters written by hand during training (EMA targets)", () => {
  it.each([["ema", "mul_"], ["lerp", "lerp_"]] as const)("a frozen target written by %s under noGrad: updated by hand at line 7, no finding", (write, op) => {
    const { report, before, after } = emaRun({ targetGrad: false, write });
    expect(after).not.toEqual(before);
    const p = byName(report)["target.0.weight"];
    expect(p).toMatchObject({
      status: "updated", updated: true, requiresGrad: false, gotGrad: false, optimizers: [], groups: [], cause: null,
      updatedByHand: { file: "ema.ts", line: 7, column: 1 },
    });
    expect(p.note).toBe(`${p.name} gets no gradient; it is updated by hand at ema.ts:7 (${op}, not by an optimizer), e.g. as a moving average of other weights`);
    expect(byName(report)["online.0.weight"]).toMatchObject({ status: "updated", gotGrad: true });
    expect(byName(report)["online.0.weight"].updatedByHand).toBeUndefined();
    expect(codes(report)).toEqual([]);
  });

  it("a target that still requires grad but runs only under noGrad (DQN-style) is updated by hand, not cut", () => {
    const p = byName(emaRun({ targetGrad: true, write: "ema" }).report)["target.0.bias"];
    expect(p).toMatchObject({ status: "updated", updated: true, gotGrad: false, cause: null, updatedByHand: { line: 7 } });
  });

  it("never written: a frozen target stays frozen, one that requires grad stays cut by the noGrad", () => {
    const frozen = byName(emaRun({ targetGrad: false, write: "none" }).report)["target.0.weight"];
    expect(frozen).toMatchObject({ status: "frozen", updated: false, cause: { kind: "requires-grad-false", line: 3 } });
    expect(frozen.updatedByHand).toBeUndefined();
    expect(byName(emaRun({ targetGrad: true, write: "none" }).report)["target.0.weight"]).toMatchObject({ status: "cut", cause: { kind: "no-grad" } });
  });

  it("a copy into the target before the first backward() is loading weights, not an update", () => {
    const { report, before } = emaRun({ targetGrad: false, write: "none", copyFirst: true });
    expect(before).not.toEqual([]);
    expect(byName(report)["target.0.weight"]).toMatchObject({ status: "frozen", updated: false });
  });

  it("GL008 stays silent on a target in train mode that is written by hand, and still fires for one that is frozen", () => {
    expect(codes(emaRun({ targetGrad: false, write: "ema", batchNorm: true }).report)).toEqual([]);
    expect(codes(emaRun({ targetGrad: false, write: "none", batchNorm: true }).report)).toEqual(["GL008"]);
  });
});
