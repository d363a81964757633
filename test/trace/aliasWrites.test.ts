import { afterEach, describe, expect, it } from "vitest";
import { nn, optim, noGrad, tensor, randn, manualSeed, type Tensor } from "gradlens";
import { setObserver } from "../../src/engine/observer";
import { TraceRecorder } from "../../src/trace/recorder";
import { validateTrace, type Site, type Trace } from "../../src/trace/schema";
import { analyze } from "../../src/analysis";
import type { Report } from "../../src/protocol/report";

// A write into a parameter's memory through another tensor over it (`p.data`, `p.detach()`, a
// stateDict() value, a view) changes the parameter's values, as in PyTorch, where all of these share
// its storage: the in-place record names the parameter in `aliasOf`. loadStateDict copies into the
// parameters: one in-place record each, at the caller's line. The engine's values are the oracle that
// the memory is shared (or not).

let line = 0;
const at = (l: number) => {
  line = l;
};
const sites = { capture: (): Site | null => (line === 0 ? null : { file: "model.ts", line, column: 1 }) };

function record(body: () => void): Trace {
  line = 0;
  const recorder = new TraceRecorder({ file: "model.ts", sites });
  setObserver(recorder);
  try {
    body();
  } finally {
    setObserver(null);
  }
  const trace = recorder.finish({ stopped: { reason: "end-of-file", message: "" }, error: null, console: [], durationMs: 0 });
  expect(validateTrace(JSON.parse(JSON.stringify(trace)))).toEqual([]);
  return trace;
}

/** [op, the tensor written is the parameter itself, aliasOf, line] of every in-place record */
const writes = (trace: Trace, p: Tensor) => trace.inplaces.map((r) => [r.op, r.tensor === p.id, r.aliasOf ?? null, r.site?.line ?? null]);

afterEach(() => setObserver(null));

describe("in-place writes through an alias of a parameter's memory (trace)", () => {
  it("p.data.mul_(m).add_(q.data, …): both writes name p, and p's values changed", () => {
    let p!: nn.Parameter;
    const trace = record(() => {
      at(1); p = new nn.Parameter(tensor([1, 2]));
      at(2); const q = new nn.Parameter(tensor([10, 20]));
      at(3); p.data.mul_(0.5).add_(q.data, { alpha: 0.5 });
    });
    expect(p.tolist()).toEqual([5.5, 11]);
    expect(writes(trace, p)).toEqual([["mul_", false, p.id, 3], ["add_", false, p.id, 3]]);
  });

  it("p.detach().copy_(…), a view of p.detach(), and a stateDict() value: each names its parameter", () => {
    let lin!: nn.Linear;
    const trace = record(() => {
      at(1); lin = new nn.Linear(2, 1);
      at(2); lin.weight.detach().copy_(tensor([[3, 4]]));
      at(3); lin.weight.detach().narrow(1, 1, 1).mul_(2);
      at(4); lin.stateDict()["bias"].copy_(tensor([7]));
    });
    expect(lin.weight.tolist()).toEqual([[3, 8]]);
    expect(lin.bias!.tolist()).toEqual([7]);
    expect(trace.inplaces.map((r) => [r.op, r.aliasOf, r.site?.line])).toEqual([
      ["copy_", lin.weight.id, 2], ["mul_", lin.weight.id, 3], ["copy_", lin.bias!.id, 4],
    ]);
  });

  it("a clone is other memory: writing it names no parameter, and the parameter keeps its values", () => {
    let p!: nn.Parameter;
    const trace = record(() => {
      at(1); p = new nn.Parameter(tensor([1, 2]));
      at(2); p.data.clone().mul_(3);
      at(3); p.detach().add(1).mul_(3);
    });
    expect(p.tolist()).toEqual([1, 2]);
    expect(trace.inplaces.map((r) => r.aliasOf ?? null)).toEqual([null, null]);
  });

  it("p.data = x is a write of p; an alias taken before it is the old memory, one taken after is p's", () => {
    let p!: nn.Parameter;
    const trace = record(() => {
      at(1); p = new nn.Parameter(tensor([1, 2]));
      at(2); const old = p.data;
      at(3); p.data = p.data.mul(0.5).add(tensor([1, 1]));
      at(4); old.mul_(100);
      at(5); p.data.add_(1);
    });
    expect(p.tolist()).toEqual([2.5, 3]);
    expect(writes(trace, p)).toEqual([["data=", true, null, 3], ["mul_", false, null, 4], ["add_", false, p.id, 5]]);
  });

  it("loadStateDict writes each parameter and buffer whose values it changes, at the caller's line", () => {
    let a!: nn.Sequential, b!: nn.Sequential;
    const trace = record(() => {
      at(1); a = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
      at(2); b = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
      at(3); b.loadStateDict(a.stateDict());
    });
    expect(Object.values(b.stateDict()).map((t) => t.tolist())).toEqual(Object.values(a.stateDict()).map((t) => t.tolist()));
    // the Linear's random values change; BatchNorm's start equal in both (ones, zeros, running stats)
    const linear = b.at(0) as nn.Linear;
    expect(trace.inplaces.map((r) => [r.op, r.tensor, r.aliasOf ?? null, r.site?.line])).toEqual([
      ["loadStateDict", linear.weight.id, null, 3], ["loadStateDict", linear.bias!.id, null, 3],
    ]);
  });

  it("loadStateDict of the values a tensor holds already writes nothing (restoring the best weights of a frozen backbone)", () => {
    let lin!: nn.Linear;
    const trace = record(() => {
      at(1); lin = new nn.Linear(2, 1);
      at(2); const best = Object.fromEntries(Object.entries(lin.stateDict()).map(([k, v]) => [k, v.clone()]));
      at(3); best["bias"] = best["bias"].add(1);
      at(4); lin.loadStateDict(best);
      at(5); lin.loadStateDict(lin.stateDict());
    });
    expect(trace.inplaces.map((r) => [r.op, r.tensor, r.site?.line])).toEqual([["loadStateDict", lin.bias!.id, 4]]);
  });
});

// ---- what the analysis makes of them ----------------------------------------------------------

/** Parameters by name without the root's "Pair#n." (an in-process run has no variable names). */
const byName = (r: Report) => Object.fromEntries(r.parameters.map((p) => [p.name.replace(/^[^.]*\./, ""), p]));

type Write = "data-mul-add" | "data-assign" | "state-dict-copy" | "load-state-dict" | "restore-at-end" | "none";

/** online trained by SGD; target (frozen unless `targetGrad`) written by `write` at line 7 after each step. */
function emaRun(write: Write, options: { targetGrad?: boolean; loadFirst?: boolean } = {}): Report {
  manualSeed(5);
  line = 1;
  const trace = record(() => {
    at(1);
    class Pair extends nn.Module {
      online = new nn.Sequential(new nn.Linear(3, 2));
      target = new nn.Sequential(new nn.Linear(3, 2));
    }
    const { online, target } = new Pair();
    at(3);
    if (options.loadFirst === true) target.loadStateDict(online.stateDict());
    if (options.targetGrad !== true) target.requiresGrad_(false);
    at(4);
    const opt = new optim.SGD(online.parameters(), { lr: 0.1 });
    const best = Object.fromEntries(Object.entries(target.stateDict()).map(([k, v]) => [k, v.clone()]));
    for (let i = 0; i < 2; i++) {
      at(5);
      const x = randn(4, 3);
      const loss = online.call(x).sub(noGrad(() => target.call(x))).pow(2).mean();
      opt.zeroGrad();
      loss.backward();
      opt.step();
      at(7);
      const tp = [...target.parameters()], op = [...online.parameters()];
      if (write === "data-mul-add") tp.forEach((p, j) => p.data.mul_(0.9).add_(op[j].data, { alpha: 0.1 }));
      if (write === "data-assign") tp.forEach((p, j) => (p.data = p.data.mul(0.9).add(op[j].data.mul(0.1))));
      if (write === "state-dict-copy") {
        noGrad(() => {
          const ev = Object.values(target.stateDict()), mv = Object.values(online.stateDict());
          ev.forEach((e, j) => e.copy_(e.mul(0.9).add(mv[j].mul(0.1))));
        });
      }
      if (write === "load-state-dict") {
        const sd = target.stateDict(), od = online.stateDict();
        for (const k of Object.keys(sd)) sd[k] = od[k].mul(0.1).add(sd[k].mul(0.9));
        target.loadStateDict(sd);
      }
    }
    at(9);
    if (write === "restore-at-end") target.loadStateDict(best);
  });
  return analyze(trace);
}

describe("a target written through an alias once training began is updated by hand (analysis)", () => {
  it.each([
    ["data-mul-add", "mul_"], ["data-assign", "data="], ["state-dict-copy", "copy_"], ["load-state-dict", "loadStateDict"],
  ] as const)("%s: updated by hand at line 7 (%s), no finding", (write, op) => {
    const report = emaRun(write);
    for (const name of ["target.0.weight", "target.0.bias"]) {
      const p = byName(report)[name];
      expect(p).toMatchObject({ status: "updated", updated: true, gotGrad: false, optimizers: [], cause: null, updatedByHand: { line: 7 } });
      expect(p.note).toBe(`${p.name} gets no gradient; it is updated by hand at model.ts:7 (${op}, not by an optimizer), e.g. as a moving average of other weights`);
    }
    expect(report.findings.filter((f) => f.severity !== "info")).toEqual([]);
  });

  it("DQN-style (requires grad, used under noGrad) written by loadStateDict: updated by hand, not cut", () => {
    expect(byName(emaRun("load-state-dict", { targetGrad: true }))["target.0.weight"]).toMatchObject({ status: "updated", cause: null, updatedByHand: { line: 7 } });
  });

  it("loaded before the first backward() and never written after: frozen stays frozen, a noGrad-only target stays cut", () => {
    const frozen = byName(emaRun("none", { loadFirst: true }))["target.0.weight"];
    expect(frozen).toMatchObject({ status: "frozen", updated: false, cause: { kind: "requires-grad-false" } });
    expect(frozen.updatedByHand).toBeUndefined();
    expect(byName(emaRun("none", { loadFirst: true, targetGrad: true }))["target.0.weight"]).toMatchObject({ status: "cut", updated: false });
  });

  it("a frozen target whose saved weights are loaded back after training (values unchanged) stays frozen", () => {
    const p = byName(emaRun("restore-at-end"))["target.0.weight"];
    expect(p).toMatchObject({ status: "frozen", updated: false, cause: { kind: "requires-grad-false" } });
    expect(p.updatedByHand).toBeUndefined();
  });

  it("a second phase's frozen backbone, made and loaded after the first phase's backward(), stays frozen", () => {
    manualSeed(6);
    const trace = record(() => {
      at(1); const teacher = new nn.Linear(3, 3);
      at(2); const optT = new optim.SGD(teacher.parameters(), { lr: 0.1 });
      at(3); teacher.call(randn(4, 3)).pow(2).mean().backward();
      optT.step();
      // phase 2: a frozen copy of the teacher as the backbone, a head trained on its features
      at(5); const backbone = new nn.Linear(3, 3);
      at(6); backbone.loadStateDict(teacher.stateDict());
      at(7); backbone.requiresGrad_(false);
      at(8); const head = new nn.Linear(3, 1);
      at(9); const optH = new optim.SGD(head.parameters(), { lr: 0.1 });
      for (let i = 0; i < 2; i++) {
        at(10); head.call(backbone.call(randn(4, 3))).pow(2).mean().backward();
        optH.step();
      }
    });
    expect(trace.inplaces.map((r) => `${r.op}@${r.site?.line}`)).toEqual(["loadStateDict@6", "loadStateDict@6"]);
    const report = analyze(trace);
    expect(report.parameters.map((p) => [p.name, p.status, p.updatedByHand?.line ?? null])).toEqual([
      ["Linear#0.weight", "updated", null], ["Linear#0.bias", "updated", null],
      ["Linear#1.weight", "frozen", null], ["Linear#1.bias", "frozen", null],
      ["Linear#2.weight", "updated", null], ["Linear#2.bias", "updated", null],
    ]);
  });
});
