import { describe, expect, it } from "vitest";
import { manualSeed, tensor } from "gradlens";
import { opDefinition, registeredOps } from "../../src/engine/ops/registry";
import { ONCE_DIFFERENTIABLE } from "../../src/engine/errors";
import { gradgradcheck, firstGradients, upstreamsFor } from "../helpers/gradgradcheck";
import { opCases as cases } from "./opCases";

// Second order for every registered op: gradgradcheck on its cases, or — for an op declared
// once-differentiable — PyTorch's once_differentiable error when its createGraph gradients are
// differentiated. The last test fails for a registered op with neither.

manualSeed(1);

describe("gradgradcheck: second derivatives match float64 central differences of the first", () => {
  for (const [op, list] of Object.entries(cases)) {
    const once = opDefinition(op)?.onceDifferentiable === true;
    describe(op, () => {
      for (const [label, fn, inputs, options] of list) {
        if (once) {
          it(`${label}: once-differentiable, differentiating its gradient raises`, () => {
            const xs = inputs();
            const grads = firstGradients(fn, xs, upstreamsFor(fn, xs));
            const reached = grads.filter((g) => g.requiresGrad);
            expect(reached.length).toBeGreaterThan(0);
            for (const g of reached) expect(() => g.sum().backward({ retainGraph: true })).toThrow(ONCE_DIFFERENTIABLE);
          });
        } else if (options?.firstOrderOnly === undefined) {
          it(label, () => gradgradcheck(fn, inputs(), { ...options, label: `${op}: ${label}` }));
        }
      }
    });
  }

  it("every registered op has a second-order case (gradgradcheck or its once-differentiable error)", () => {
    const missing = registeredOps().filter((op) => !(cases[op]?.length > 0));
    expect(missing).toEqual([]);
  });
});

describe("the gradgradcheck helper itself", () => {
  const f64 = { dtype: "float64" as const, requiresGrad: true };
  it("catches a first derivative whose own gradient is wrong", () => {
    // ½·x·detach(x) + ½·detach(x)·x: value x² and first derivative 2x·½·… = x, as a·a would give,
    // but the detached factors make the recorded second derivative 0 instead of 1
    const halfSquare = (a: typeof a0) => a.mul(a.detach()).mul(0.5).add(a.detach().mul(a).mul(0.5)).mul(0.5);
    const a0 = tensor([0.5, -1.5], f64);
    expect(() => gradgradcheck(halfSquare, [a0])).toThrow(/second order.*Jacobian mismatch/);
    expect(() => gradgradcheck((a) => a.mul(a).mul(0.5), [tensor([0.5, -1.5], f64)])).not.toThrow();
  });
});
