import { describe, expect, it } from "vitest";
import { Tensor, tensor, randn, manualSeed } from "gradlens";
import { registeredOps } from "../../src/engine/ops/registry";
import { gradcheck } from "../helpers/gradcheck";
import { opCases as cases } from "./opCases";

// One or more float64 finite-difference checks for every differentiable op, on shapes that broadcast.
// The cases live in opCases.ts; the last test fails when a registered op has none.

manualSeed(0);
const f64 = { dtype: "float64" as const, requiresGrad: true };

describe("gradcheck: analytical gradients match float64 central differences", () => {
  for (const [op, list] of Object.entries(cases)) {
    describe(op, () => {
      for (const [label, fn, inputs, options] of list) {
        it(label, () => gradcheck(fn, inputs(), { ...options, label: `${op}: ${label}` }));
      }
    });
  }

  it("every op registered with registerOp() has a gradcheck case", () => {
    const missing = registeredOps().filter((op) => !(cases[op]?.length > 0));
    expect(missing).toEqual([]);
  });
});

describe("the gradcheck helper itself", () => {
  it("refuses float32 inputs", () => {
    expect(() => gradcheck((a) => a.mul(2), [randn([2], { requiresGrad: true })])).toThrow(/float32/);
  });
  it("catches a wrong backward", () => {
    // sign has a zero gradient; claiming it is abs (gradient ±1) must fail
    const wrongAbs = (a: Tensor) => a.sign().mul(a.detach());
    expect(() => gradcheck(wrongAbs, [tensor([1.5, -2], f64)])).toThrow(/Jacobian mismatch/);
  });
});
