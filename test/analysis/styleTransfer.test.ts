import { describe, expect, it } from "vitest";
import { nn, optim, F, noGrad, rand, manualSeed, type Tensor } from "gradlens";
import { analyze } from "../../src/analysis";
import { traceInProcess } from "./realTrace";

// Neural style transfer's shape on the real engine and tracer: a frozen network, the image the one
// tensor LBFGS optimizes, step(closure) with zeroGrad and backward inside. "Lines" come from at().

const STEP_LINE = 9;

function styleTransfer(options: { steps: number; stoppedBeforeNextStep: boolean; imageTrained?: boolean }) {
  manualSeed(2);
  const trace = traceInProcess("style.ts", (at) => {
    at(1);
    const A = new nn.Sequential(new nn.Linear(16, 16), new nn.ReLU());
    at(2);
    const B = new nn.Sequential(new nn.Linear(16, 16), new nn.ReLU());
    at(3);
    A.requiresGrad_(false);
    B.requiresGrad_(false);
    at(4);
    const target = rand(4, 16);
    at(5);
    const img = rand(4, 16);
    at(6);
    img.requiresGrad_(options.imageTrained ?? true);
    at(7);
    const opt = new optim.LBFGS([img], { maxIter: 3 });
    for (let s = 0; s < options.steps; s++) {
      at(STEP_LINE);
      opt.step(() => {
        at(10);
        noGrad(() => img.clamp_(0, 1));
        at(11);
        opt.zeroGrad();
        at(12);
        const loss = F.mseLoss(B.call(A.call(img)) as Tensor, target);
        at(13);
        loss.backward();
        at(STEP_LINE);
        return loss;
      });
    }
  });
  if (options.stoppedBeforeNextStep) {
    // the step budget stops the run in front of the next step(closure), at its site
    const site = trace.steps[0].site!;
    trace.stopped = { reason: "step-budget", message: "stopped", file: site.file, line: site.line, column: site.column };
  }
  return analyze(trace);
}

describe("style transfer: the image LBFGS optimizes through a frozen network", () => {
  it("the frozen modules keep activations for the image's gradient: nothing to freeze from the input side, no GL010", () => {
    const r = styleTransfer({ steps: 1, stoppedBeforeNextStep: false });
    expect(r.parameters.map((p) => p.status)).toEqual(["frozen", "frozen", "frozen", "frozen", "updated"]);
    expect(r.memory.activationBytes).toBeGreaterThan(0);
    expect(r.findings).toEqual([]);
  });

  it("stopped in front of the next step(closure): the closure clears and recomputes the gradient, so no GL005 about the one held", () => {
    const r = styleTransfer({ steps: 1, stoppedBeforeNextStep: true });
    expect(r.stopped.reason).toBe("step-budget");
    expect(r.findings).toEqual([]);
  });
});
