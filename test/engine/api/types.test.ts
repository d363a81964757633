import { describe, expect, expectTypeOf, it } from "vitest";
import { nn, optim, randn, zeros, type Tensor } from "gradlens";

// Issue 15's types, checked by `tsc -p .` (this file is in the project): the @ts-expect-error lines
// fail the type check if the call they mark stops being an error. The runtime asserts are the same calls.

class TwoHeads extends nn.Module {
  body = new nn.Linear(4, 8);
  policy = new nn.Linear(8, 2);
  value = new nn.Linear(8, 1);
  forward(x: Tensor, temperature: number): { logits: Tensor; value: Tensor } {
    const h = this.body.forward(x).relu();
    return { logits: this.policy.forward(h).div(temperature), value: this.value.forward(h) };
  }
}

/** A user's optimizer: plain SGD without momentum. */
class PlainSGD extends optim.Optimizer<{ lr: number }> {
  constructor(params: Iterable<Tensor>, lr: number) {
    super(params, { lr });
  }
  protected updateGroup(group: optim.ParamGroup<{ lr: number }>): void {
    for (const p of group.params) if (p.grad !== null) p.data.sub_(p.grad.mul(group.lr));
  }
}

/** Code written against the base class, as a training loop helper would be. */
function trainStep(opt: optim.Optimizer, loss: () => Tensor): number {
  opt.zeroGrad();
  const l = loss();
  l.backward();
  opt.step();
  return l.item();
}

describe("types", () => {
  it("a Module subclass: forward and call are typed by the subclass's forward", () => {
    const m = new TwoHeads();
    expectTypeOf(m.forward).parameters.toEqualTypeOf<[Tensor, number]>();
    expectTypeOf(m.call(randn(3, 4), 1)).toEqualTypeOf<{ logits: Tensor; value: Tensor }>();
    // never run: only their type errors matter
    const wrongCalls = () => [
      // @ts-expect-error the temperature is missing
      m.call(randn(3, 4)),
      // @ts-expect-error a string is not a Tensor
      m.call("x", 1),
    ];
    expect(typeof wrongCalls).toBe("function");
    expect(m.call(randn(3, 4), 2).logits.shape).toEqual([3, 2]);
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
    expectTypeOf(seq.call(randn(1, 2))).toEqualTypeOf<Tensor>();
  });

  it("optim.Optimizer is a parameter type for SGD, AdamW and a user's subclass; schedulers take them all", () => {
    const make = () => [zeros([2], { requiresGrad: true })];
    for (const opt of [new optim.SGD(make(), { lr: 0.1 }), new optim.AdamW(make(), { lr: 0.1 }), new PlainSGD(make(), 0.1)]) {
      const [p] = opt.paramGroups[0].params;
      const before = p.clone();
      trainStep(opt, () => p.sub(1).pow(2).sum());
      expect(p.equal(before)).toBe(false);
      const sched = new optim.lrScheduler.StepLR(opt, { stepSize: 1, gamma: 0.5 });
      sched.step();
      expect(opt.paramGroups[0].lr).toBeCloseTo(0.05, 12);
    }
  });
});
