import { describe, expect, it } from "vitest";
import { nn, optim, randn, ones, zeros, manualSeed, type Tensor } from "gradlens";
import { analyze } from "../../src/analysis";
import type { Report } from "../../src/protocol/report";
import { ganModels, traceInProcess } from "./realTrace";

// Whole scenarios on the real engine, nn, optim and tracer (in-process; `at(n)` names the line).

const codes = (r: Report) => [...new Set(r.findings.map((f) => f.code))].sort();

/** GAN with one D step and one G step; `buggy`: no fake.detach() and optG.zeroGrad() before the D step. */
function gan(buggy: boolean): Report {
  manualSeed(0);
  return analyze(traceInProcess("gan.ts", (at) => {
    const { G, D, crit, optG, optD } = ganModels(at);
    for (let it = 0; it < 2; it++) {
      at(10);
      const z = randn(8, 2), real = randn(8, 2);
      const fake = G.call(z) as Tensor;
      at(11);
      optD.zeroGrad();
      if (buggy) optG.zeroGrad();
      at(12);
      const input = buggy ? fake : (at(12), fake.detach());
      const lossD = (crit.call(D.call(real), ones(8, 1)) as Tensor).add(crit.call(D.call(input), zeros(8, 1)) as Tensor);
      at(13);
      lossD.backward(buggy ? { retainGraph: true } : undefined);
      at(14);
      optD.step();
      at(15);
      if (!buggy) optG.zeroGrad();
      at(16);
      const lossG = crit.call(D.call(fake), ones(8, 1)) as Tensor;
      at(17);
      lossG.backward();
      at(18);
      optG.step();
    }
  }));
}

describe("real engine: GAN right vs buggy", () => {
  it("right: lossD reaches D only, lossG reaches G and D; all updated; only the detach cut, no findings", () => {
    const r = gan(false);
    // roots have no variable names in-process: Sequential#<id>; G is the first root
    const [g, d] = Object.keys(r.backwards[0].byModule);
    expect(r.backwards.map((b) => [b.line, b.byModule[g], b.byModule[d]])).toEqual([
      [13, 0, 4], [17, 4, 4], [13, 0, 4], [17, 4, 4],
    ]);
    expect(r.parameters.every((p) => p.status === "updated")).toBe(true);
    expect(r.cuts).toHaveLength(1);
    expect(r.cuts[0]).toMatchObject({ line: 12, kind: "detach" });
    expect(r.cuts[0].blocked).toHaveLength(4);
    expect(r.cuts[0].gotGradElsewhere).toEqual(r.cuts[0].blocked);
    expect(r.findings).toEqual([]);
  });

  it("buggy: lossD reaches G, optG steps with it (GL006 at line 18), wasted backward (GL011)", () => {
    const r = gan(true);
    const [g, d] = Object.keys(r.backwards[0].byModule);
    expect([r.backwards[0].byModule[g], r.backwards[0].byModule[d]]).toEqual([4, 4]);
    expect(codes(r)).toEqual(["GL006", "GL011"]);
    const gl006 = r.findings.find((f) => f.code === "GL006")!;
    expect(gl006.line).toBe(18);
    expect(gl006.parameters).toEqual(r.parameters.filter((p) => p.name.startsWith(g)).map((p) => p.name));
    expect(gl006.related.map((s) => s.line).sort((a, b) => a - b)).toEqual([5, 13]);
  });
});

describe("real engine: frozen backbone with BatchNorm", () => {
  function finetune(evalBackbone: boolean, trainableOnly: boolean): Report {
    manualSeed(0);
    return analyze(traceInProcess("finetune.ts", (at) => {
      at(1);
      const backbone = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU());
      at(2);
      const head = new nn.Linear(8, 2);
      at(3);
      backbone.requiresGrad_(false);
      if (evalBackbone) {
        at(4);
        backbone.eval();
      }
      at(5);
      const params = trainableOnly ? head.parameters() : [...backbone.parameters(), ...head.parameters()];
      const opt = new optim.SGD(params, { lr: 0.1 });
      at(7);
      const x = randn(16, 4), y = randn(16, 2);
      at(8);
      opt.zeroGrad();
      at(9);
      const loss = (head.call(backbone.call(x)) as Tensor).sub(y).pow(2).mean();
      at(10);
      loss.backward();
      at(11);
      opt.step();
    }));
  }

  it("train mode: BatchNorm statistics of the frozen backbone still change (GL008), frozen params in the optimizer (GL003)", () => {
    const r = finetune(false, false);
    expect(r.parameters.map((p) => p.status)).toEqual(["frozen", "frozen", "frozen", "frozen", "updated", "updated"]);
    for (const p of r.parameters.slice(0, 4)) expect(p.cause).toMatchObject({ kind: "requires-grad-false", line: 3 });
    expect(codes(r)).toEqual(["GL003", "GL008"]);
    const gl008 = r.findings.find((f) => f.code === "GL008")!;
    // once for the frozen module tree (the whole backbone), not per BatchNorm layer; info: the
    // transfer-learning tutorial trains this way on purpose
    expect(r.findings.filter((f) => f.code === "GL008")).toHaveLength(1);
    expect(gl008).toMatchObject({ severity: "info", line: 3 });
    expect(gl008.parameters).toEqual(r.parameters.slice(0, 4).map((p) => p.name));
    // the frozen backbone comes first: its ops record no graph, so it keeps nothing for backward
    expect(r.cuts).toEqual([{ file: "finetune.ts", line: 3, column: 1, kind: "requires-grad-false", blocked: r.parameters.slice(0, 4).map((p) => p.name), gotGradElsewhere: [] }]);
  });

  it("eval mode and only the head in the optimizer: nothing to report", () => {
    expect(finetune(true, true).findings).toEqual([]);
  });
});
