import { describe, expect, it } from "vitest";
import { nn, optim, F, noGrad, rand, randint, manualSeed } from "gradlens";
import { analyze } from "../../src/analysis";
import { traceInProcess } from "./realTrace";

// A tensor the program makes anew each iteration with requiresGrad, holds in no optimizer and never
// writes (an adversarial example's image, whose gradient is read) is an input, not a parameter: it
// is listed apart, with no status. A tensor made once, or held by an optimizer, or written by hand,
// stays a parameter. Real engine and tracer; "lines" come from at().

type Variant = { examples: number; optimizer?: boolean; handStep?: boolean };

function attack({ examples, optimizer = false, handStep = false }: Variant) {
  manualSeed(5);
  return analyze(traceInProcess("attack.ts", (at) => {
    at(1);
    const model = new nn.Sequential(new nn.Linear(6, 3));
    model.eval();
    for (let i = 0; i < examples; i++) {
      at(4);
      const data = rand(2, 6);
      at(5);
      data.requiresGrad = true;
      at(6);
      const opt = optimizer ? new optim.SGD([data], { lr: 0.1 }) : null;
      at(7);
      const loss = F.crossEntropy(model.call(data), randint(0, 3, [2]));
      opt?.zeroGrad();
      model.zeroGrad();
      at(8);
      loss.backward();
      at(9);
      opt?.step();
      if (handStep) noGrad(() => data.add_(data.grad!.sign().mul(0.01)));
    }
  }));
}

describe("inputs that require grad are not parameters", () => {
  it("made anew each iteration, in no optimizer, never written: one input entry for the line, the model's rows only, no finding", () => {
    const r = attack({ examples: 3 });
    expect(r.parameters.map((p) => p.name.replace(/^[^.]*\./, ""))).toEqual(["0.weight", "0.bias"]);
    expect(r.parameters.map((p) => [p.status, p.cause?.kind])).toEqual([["grad-not-applied", "not-in-optimizer"], ["grad-not-applied", "not-in-optimizer"]]);
    expect(r.inputs).toEqual([{
      name: r.inputs![0].name, shape: [2, 6], numel: 12, dtype: "float32", count: 3, gotGrad: true, reachedBy: [0, 1, 2],
      site: { file: "attack.ts", line: 4, column: 1 },
    }]);
    expect(r.findings.filter((f) => f.severity !== "info")).toEqual([]);
    // the graph draws them as leaves, without a parameter status
    const nodes = r.graph.nodes.filter((n) => n.shape.join() === "2,6" && n.kind !== "op");
    expect(nodes.map((n) => [n.kind, n.status])).toEqual([["leaf", undefined], ["leaf", undefined], ["leaf", undefined]]);
  });

  it("made once: it may be a weight left out of training, so it stays a parameter (grad-not-applied)", () => {
    const r = attack({ examples: 1 });
    expect(r.inputs).toBeUndefined();
    expect(r.parameters).toHaveLength(3);
    expect(r.parameters[2]).toMatchObject({ status: "grad-not-applied", shape: [2, 6] });
  });

  it("held by an optimizer each iteration (style transfer's LBFGS([inputImg])): trained, a parameter", () => {
    const r = attack({ examples: 2, optimizer: true });
    expect(r.inputs).toBeUndefined();
    expect(r.parameters.filter((p) => p.shape.join() === "2,6").map((p) => p.status)).toEqual(["updated", "updated"]);
  });

  it("written by hand from its gradient (an iterative attack's step): updated by hand, a parameter", () => {
    const r = attack({ examples: 2, handStep: true });
    expect(r.inputs).toBeUndefined();
    expect(r.parameters.filter((p) => p.shape.join() === "2,6").map((p) => [p.status, p.updatedByHand?.line])).toEqual([["updated", 9], ["updated", 9]]);
  });
});
