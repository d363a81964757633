import { describe, it, expect } from "vitest";
import { optim, type Tensor } from "gradlens";
import { camel, expectClose, fromJson, loadFixture, type JsonTensor } from "../nn/torchFixtures";

// Three steps of every optimizer on explicit params and grads, and 8 epochs of every lr scheduler,
// against PyTorch (test/fixtures/torch/optim.json).

const { cases } = loadFixture("optim");

function options(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [camel(k), v]));
}

describe("optimizers match PyTorch (optim.json)", () => {
  const optimizers = cases.filter((c) => c.kind === "optimizer");
  it("covers SGD, Adam, AdamW and RMSprop", () => {
    expect(new Set(optimizers.map((c) => c.optimizer))).toEqual(new Set(["SGD", "Adam", "AdamW", "RMSprop"]));
  });
  for (const c of optimizers) {
    it(c.name, () => {
      const params = (c.params as JsonTensor[]).map((j) => fromJson(j, true));
      const Ctor = (optim as unknown as Record<string, new (p: Tensor[], o: unknown) => optim.Optimizer>)[c.optimizer];
      const opt = new Ctor(params, options(c.kwargs));
      for (const [s, step] of (c.steps as Array<{ grads: JsonTensor[]; params: JsonTensor[] }>).entries()) {
        params.forEach((p, i) => (p.grad = fromJson(step.grads[i], false)));
        opt.step();
        params.forEach((p, i) => expectClose(p, step.params[i], 1e-5, 1e-12, `step ${s + 1} param ${i}`));
      }
    });
  }
});

describe("lr schedulers match PyTorch (optim.json)", () => {
  for (const c of cases.filter((x) => x.kind === "scheduler")) {
    it(c.name, () => {
      const p = fromJson({ shape: [1], dtype: "float64", data: [1] }, true);
      const opt = new optim.SGD([p], { lr: c.initialLr });
      const k = options(c.kwargs);
      const scheduler =
        c.scheduler === "StepLR" ? new optim.StepLR(opt, k.stepSize as number, k.gamma as number)
        : c.scheduler === "ExponentialLR" ? new optim.ExponentialLR(opt, k.gamma as number)
        : c.scheduler === "CosineAnnealingLR" ? new optim.CosineAnnealingLR(opt, { tMax: k.TMax as number, etaMin: k.etaMin as number })
        : new optim.LambdaLR(opt, (epoch) => 0.95 ** epoch);
      (c.lrs as number[]).forEach((expected, epoch) => {
        expect(opt.paramGroups[0].lr).toBeCloseTo(expected, 12);
        expect(scheduler.getLastLr()[0]).toBeCloseTo(expected, 12);
        p.grad = fromJson({ shape: [1], dtype: "float64", data: [0] }, false);
        opt.step();
        scheduler.step();
        void epoch;
      });
    });
  }
});
