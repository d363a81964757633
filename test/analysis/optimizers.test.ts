import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis";
import { TraceBuilder } from "./traceBuilder";
import { applyLinear, linear } from "./scenarios";

/** model1, model2, fc (lines 1-3); opt at line 4 built by `makeOpt`; `iterations` of forward/backward/step. */
function subset(makeOpt: (b: TraceBuilder, ids: { m1: number[]; m2: number[]; fc: number[] }) => number, iterations = 1) {
  const b = new TraceBuilder();
  const m1 = linear(b, "model1", 2, 2, 1), m2 = linear(b, "model2", 2, 2, 2), fc = linear(b, "fc", 2, 1, 3);
  const opt = makeOpt(b, { m1: [m1.weight, m1.bias], m2: [m2.weight, m2.bias], fc: [fc.weight, fc.bias] });
  const x = b.leaf("x", [2, 2], 5);
  for (let i = 0; i < iterations; i++) {
    b.zeroGrad({ kind: "optimizer", optimizer: opt }, 6);
    const loss = b.op("sum", [applyLinear(b, fc, applyLinear(b, m2, applyLinear(b, m1, x, 7), 7), 7)], 7, { shape: [] });
    b.backward(loss, 8);
    b.step(opt, 9);
  }
  return analyze(b.build());
}

describe("optimizer membership and learning rates", () => {
  it("optimizer subset: model1 gets a gradient no optimizer applies (grad-not-applied, GL004)", () => {
    const r = subset((b, p) => b.optimizer("opt", "SGD", [{ params: [...p.fc, ...p.m2], lr: 0.01, momentum: 0.9 }], 4));
    const byName = Object.fromEntries(r.parameters.map((p) => [p.name, p]));
    expect(byName["model1.weight"]).toMatchObject({ status: "grad-not-applied", gotGrad: true, updated: false, optimizers: [] });
    expect(byName["model1.weight"].cause).toMatchObject({ kind: "not-in-optimizer", line: 1 });
    expect(byName["model2.weight"].status).toBe("updated");
    expect(r.findings.map((f) => [f.code, f.severity, f.line, f.parameters])).toEqual([
      ["GL004", "warning", 4, ["model1.weight", "model1.bias"]],
    ]);
    expect(r.optimizers).toEqual([
      {
        file: "model.ts", line: 4, column: 1, name: "opt", type: "SGD", steps: 1, stepLrs: [[0.01]],
        groups: [{ index: 0, lr: 0.01, params: ["fc.weight", "fc.bias", "model2.weight", "model2.bias"] }],
        // one fact for the lens, the status bar and hovers: the parameters' own `updated`
        updated: ["fc.weight", "fc.bias", "model2.weight", "model2.bias"], notUpdated: [],
      },
    ]);
  });

  it("param groups with lr 0: model2 and fc are grad-not-applied (lr-zero), one GL002 per group", () => {
    const r = subset((b, p) => b.optimizer("opt", "SGD", [
      { params: p.m1, lr: 0.01, momentum: 0.9 }, { params: p.m2, lr: 0 }, { params: p.fc, lr: 0 },
    ], 4), 2);
    const status = Object.fromEntries(r.parameters.map((p) => [p.name, [p.status, p.cause?.kind ?? null]]));
    expect(status).toEqual({
      "model1.weight": ["updated", null], "model1.bias": ["updated", null],
      "model2.weight": ["grad-not-applied", "lr-zero"], "model2.bias": ["grad-not-applied", "lr-zero"],
      "fc.weight": ["grad-not-applied", "lr-zero"], "fc.bias": ["grad-not-applied", "lr-zero"],
    });
    expect(r.parameters[2].groups).toEqual([{ optimizer: "opt", group: 1, lr: 0 }]);
    expect(r.findings.map((f) => [f.code, f.line, f.parameters])).toEqual([
      ["GL002", 4, ["model2.weight", "model2.bias"]],
      ["GL002", 4, ["fc.weight", "fc.bias"]],
    ]);
    expect(r.findings[0].message).toContain("requiresGrad_(false)");
    expect(r.findings[0].message).toContain("group 1 of opt has lr = 0");
    // the same backward site repeated over iterations is not accumulation
    expect(r.findings.some((f) => f.code === "GL005")).toBe(false);
  });

  it("a trainable parameter in an optimizer that nothing uses is unused (GL001 at the optimizer)", () => {
    const b = new TraceBuilder();
    const used = linear(b, "used", 2, 2, 1), spare = linear(b, "spare", 2, 2, 2);
    const opt = b.optimizer("opt", "SGD", [{ params: [used.weight, used.bias, spare.weight, spare.bias], lr: 0.1 }], 3);
    const loss = b.op("sum", [applyLinear(b, used, b.leaf("x", [1, 2], 4), 5)], 5, { shape: [] });
    b.backward(loss, 6);
    b.step(opt, 7);
    const r = analyze(b.build());
    const spareW = r.parameters.find((p) => p.name === "spare.weight")!;
    expect(spareW).toMatchObject({ status: "unused", gotGrad: false });
    expect(spareW.cause).toMatchObject({ kind: "unreachable", line: 2, message: "spare.weight is not used by any computation" });
    expect(r.findings.map((f) => [f.code, f.line, f.parameters])).toEqual([["GL001", 3, ["spare.weight", "spare.bias"]]]);
  });

  it("frozen weights that still move: momentum with zeroed (not null) gradients (GL009)", () => {
    const b = new TraceBuilder();
    const l0 = linear(b, "l0", 2, 2, 1), l1 = linear(b, "l1", 2, 1, 2);
    const opt = b.optimizer("opt", "SGD", [{ params: [l0.weight, l0.bias, l1.weight, l1.bias], lr: 0.1, momentum: 0.9 }], 3);
    const x = b.leaf("x", [1, 2], 4);
    const iteration = () => {
      b.zeroGrad({ kind: "optimizer", optimizer: opt }, 6, false);
      b.backward(b.op("sum", [applyLinear(b, l1, applyLinear(b, l0, x, 7), 7)], 7, { shape: [] }), 8);
      b.step(opt, 9);
    };
    iteration();
    b.moduleRequiresGrad(l0.module, false, 10);
    iteration();
    const r = analyze(b.build());
    const gl009 = r.findings.filter((f) => f.code === "GL009");
    expect(gl009.map((f) => [f.line, f.severity, f.parameters])).toEqual([[9, "warning", ["l0.weight", "l0.bias"]]]);
    // it trained in the first iteration, so its status says so; requiresGrad tells it is frozen now
    expect(r.parameters[0]).toMatchObject({ name: "l0.weight", status: "updated", requiresGrad: false, updated: true });
    expect(r.findings.map((f) => f.code).sort()).toEqual(["GL003", "GL009"]);
  });
});
