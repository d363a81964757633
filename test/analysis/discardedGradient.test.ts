import { describe, expect, it } from "vitest";
import { nn, optim, noGrad, randn, manualSeed } from "gradlens";
import { analyze } from "../../src/analysis";
import type { Report } from "../../src/protocol/report";
import { ganModels, traceInProcess } from "./realTrace";

// GL002 at a clear that throws away gradient before the step it was for read it. PyTorch's semantics:
// zero_grad() sets every .grad of the optimizer's parameters to None (2.x) or zero, so a step after
// `zero_grad(); backward()` applies that one backward()'s gradient only, whatever ran before.

const gl002 = (r: Report) => r.findings.filter((f) => f.code === "GL002");

/** `micro` micro-batches a step, `epochs` epochs of `batches`; `clearInside`: zeroGrad() before every backward(). */
function accumulate(o: { clearInside: boolean; batches: number; micro: number; epochs: number; clearPerEpoch?: boolean }): Report {
  manualSeed(4);
  return analyze(traceInProcess("accum.ts", (at) => {
    at(1);
    const model = new nn.Linear(3, 1);
    at(2);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    for (let e = 0; e < o.epochs; e++) {
      at(3);
      if (o.clearPerEpoch) opt.zeroGrad();
      for (let i = 0; i < o.batches; i++) {
        at(4);
        if (o.clearInside) opt.zeroGrad();
        at(5);
        model.call(randn(2, 3)).pow(2).mean().div(o.micro).backward();
        at(6);
        if ((i + 1) % o.micro === 0) {
          opt.step();
          at(7);
          if (!o.clearInside) opt.zeroGrad();
        }
      }
    }
  }));
}

describe("GL002: a clear between the micro-batches of one step", () => {
  it("zeroGrad() before every backward(), step every 3rd: a warning at the clear naming the backward() and the step", () => {
    const r = accumulate({ clearInside: true, batches: 6, micro: 3, epochs: 1 });
    const [f, ...more] = gl002(r);
    expect(more).toEqual([]);
    expect(f).toMatchObject({ severity: "warning", line: 4, related: [{ line: 5 }, { line: 6 }] });
    expect(f.parameters.map((n) => n.replace(/^[^.]*\./, ""))).toEqual(["weight", "bias"]);
    const opt = r.optimizers[0].name;
    expect(f.message).toBe(
      `${opt}.zeroGrad() at accum.ts:4 clears the gradient that backward() at accum.ts:5 computed for ${f.parameters.join(" and ")} before ${opt}.step() at accum.ts:6 used it, ` +
        "so each step applies only the last backward()'s gradient; to accumulate gradients over micro-batches, clear them after step() (or once before the loop), not before each backward()",
    );
  });

  it("zeroGrad() after the step: silent, also when an epoch's start clears the last partial window", () => {
    expect(gl002(accumulate({ clearInside: false, batches: 6, micro: 3, epochs: 1 }))).toEqual([]);
    // 5 micro-batches, 2 a step: the 5th is cleared unread by the next epoch's zeroGrad(), and the
    // next step reads two runs of the backward() line
    expect(gl002(accumulate({ clearInside: false, batches: 5, micro: 2, epochs: 2, clearPerEpoch: true }))).toEqual([]);
  });

  it("a GAN: D's zeroGrad() clears the gradient G's loss left in D (it was for optG), silent", () => {
    manualSeed(5);
    const r = analyze(traceInProcess("gan.ts", (at) => {
      const { G, D, crit, optG, optD } = ganModels(at);
      for (let i = 0; i < 3; i++) {
        at(10);
        optD.zeroGrad();
        const fake = G.call(randn(4, 2));
        at(11);
        crit.call(D.call(randn(4, 2)), randn(4, 1).gt(0).float()).add(crit.call(D.call(fake.detach()), randn(4, 1).mul(0))).backward();
        optD.step();
        at(12);
        optG.zeroGrad();
        at(13);
        crit.call(D.call(fake), randn(4, 1).mul(0).add(1)).backward();
        optG.step();
      }
    }));
    expect(gl002(r)).toEqual([]);
  });

  it("LBFGS: its step calls the closure (zeroGrad, backward) several times, silent", () => {
    manualSeed(6);
    const r = analyze(traceInProcess("lbfgs.ts", (at) => {
      at(1);
      const model = new nn.Linear(3, 1);
      const opt = new optim.LBFGS(model.parameters(), { lr: 0.5, maxIter: 4 });
      const x = randn(5, 3), y = randn(5, 1);
      for (let i = 0; i < 2; i++) {
        at(3);
        opt.step(() => {
          at(4);
          opt.zeroGrad();
          at(5);
          const loss = model.call(x).sub(y).pow(2).mean();
          loss.backward();
          return loss;
        });
      }
    }));
    expect(r.error).toBeNull();
    expect(gl002(r)).toEqual([]);
  });

  it("SAM by hand: the perturbation reads one gradient, zeroGrad(), the step reads the next one — neither GL002 nor GL005", () => {
    // the weights move by ε = ρ·g/‖g‖ from the first backward() and back by ε after the second: the
    // restore is a hand-written update from the old gradient, not a step that applied the new one
    manualSeed(7);
    const r = analyze(traceInProcess("sam.ts", (at) => {
      at(1);
      const model = new nn.Linear(3, 1);
      const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
      const loss = () => {
        at(3);
        model.call(randn(4, 3)).pow(2).mean().backward();
      };
      for (let i = 0; i < 3; i++) {
        loss();
        const ps = [...model.parameters()];
        at(4);
        const eps = noGrad(() => ps.map((p) => p.grad!.mul(0.05)));
        noGrad(() => ps.forEach((p, j) => p.add_(eps[j])));
        at(5);
        opt.zeroGrad();
        loss();
        at(6);
        noGrad(() => ps.forEach((p, j) => p.sub_(eps[j])));
        at(7);
        opt.step();
        opt.zeroGrad();
      }
    }));
    expect(r.findings.map((f) => f.code)).toEqual([]);
  });
});
