import { describe, expect, it } from "vitest";
import { nn, optim, autograd, tensor } from "gradlens";
import { analyze } from "../../src/analysis";
import { traceInProcess } from "./realTrace";

// Issue 13, item 4: a program whose only loss is a gradient penalty (autograd.grad with createGraph).
// With a ReLU critic the penalty depends on the first layer's bias only through ReLU's mask, whose
// derivative is zero: PyTorch 1.13 gives that bias a gradient of zeros (a tensor, not None), the last
// layer's bias None (the input gradient does not depend on it), and x.grad zeros. Checked with
// /usr/bin/python3: D = Sequential(Linear(2, 16), ReLU(), Linear(16, 1)); g, = autograd.grad(D(x).sum(),
// x, create_graph=True); ((g.norm(2, dim=1) - 1) ** 2).mean().backward() → 0.bias 0.0, 2.bias None.

describe("a gradient-penalty-only program (item 4)", () => {
  it("the first layer's bias got a zero gradient (not unreachable); the last bias is unreachable", () => {
    const r = analyze(traceInProcess("gp.ts", (at) => {
      at(1);
      const D = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 1));
      at(2);
      const opt = new optim.SGD(D.parameters(), { lr: 0.1 });
      at(3);
      const x = tensor([[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0], [0.1, 0.2]]).requiresGrad_();
      const [g] = autograd.grad(D.call(x).sum(), x, { createGraph: true });
      at(5);
      g!.norm(2, 1).sub(1).pow(2).mean().backward();
      at(6);
      opt.step();
    }));
    const byName = Object.fromEntries(r.parameters.map((p) => [p.name, p]));
    expect(byName["Sequential#3.0.bias"]).toMatchObject({ gotGrad: true, gradNorm: 0, status: "updated", updated: true });
    expect(byName["Sequential#3.0.bias"].note).toMatch(/exactly zero/);
    expect(byName["Sequential#3.0.bias"].cause).toBeNull();
    expect(byName["Sequential#3.0.weight"]).toMatchObject({ gotGrad: true, status: "updated" });
    expect(byName["Sequential#3.0.weight"].gradNorm).toBeGreaterThan(0);
    expect(byName["Sequential#3.2.weight"]).toMatchObject({ gotGrad: true, status: "updated" });
    expect(byName["Sequential#3.2.bias"]).toMatchObject({ gotGrad: false, status: "unused", updated: false });
    expect(byName["Sequential#3.2.bias"].cause?.kind).toBe("unreachable");
    // x.grad is zeros in PyTorch: reached, in no optimizer
    expect(byName["tensor@3"]).toMatchObject({ gotGrad: true, gradNorm: 0, status: "grad-not-applied" });
  });
});
