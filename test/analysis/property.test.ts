import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { nn, randn, noGrad, manualSeed, type Tensor } from "gradlens";
import { analyze } from "../../src/analysis";
import type { Report } from "../../src/protocol/report";
import { traceInProcess } from "./realTrace";

// Random small chains of Linear layers on the real engine and tracer, with random detach / noGrad /
// freeze placements (and residual connections, so a cut can leave another path). Two properties:
//  1. a parameter that ends with a non-null .grad is never reported cut or unused;
//  2. every cut cause names sites whose removal (re-run without them) gives the parameter a gradient.
// Site lines encode the placement: detach after layer i at 100 + i, noGrad around layer i at 200 + i,
// layer i frozen at 300 + i.

interface Layer {
  cut: "none" | "detach" | "noGrad";
  freeze: boolean;
  residual: boolean;
}

function runModel(layers: Layer[]): { report: Report; grads: Array<Tensor | null> } {
  let params: Tensor[] = [];
  manualSeed(1);
  const trace = traceInProcess("prop.ts", (at) => {
    const lins = layers.map((_, i) => {
      at(1 + i);
      return new nn.Linear(3, 3);
    });
    at(9);
    const head = new nn.Linear(3, 1);
    layers.forEach((l, i) => {
      if (l.freeze) {
        at(300 + i);
        lins[i].requiresGrad_(false);
      }
    });
    at(20);
    let h = randn(2, 3);
    layers.forEach((l, i) => {
      at(l.cut === "noGrad" ? 200 + i : 30 + i);
      let out = l.cut === "noGrad" ? noGrad(() => lins[i].forward(h)) : lins[i].forward(h);
      if (l.cut === "detach") {
        at(100 + i);
        out = out.detach();
      }
      at(30 + i);
      h = l.residual ? h.add(out) : out;
    });
    at(50);
    const loss = head.forward(h).sum();
    at(60);
    loss.backward();
    params = [...lins.flatMap((l) => [...l.parameters()]), ...head.parameters()];
  });
  return { report: analyze(trace), grads: params.map((p) => p.grad) };
}

/** The placement a site line stands for, removed. */
function without(layers: Layer[], lines: number[]): Layer[] {
  const out = layers.map((l) => ({ ...l }));
  for (const line of lines) {
    const i = line % 100;
    if (line >= 300) out[i].freeze = false;
    else if (line >= 200 && out[i].cut === "noGrad") out[i].cut = "none";
    else if (line >= 100 && out[i].cut === "detach") out[i].cut = "none";
    else throw new Error(`cause line ${line} is not a placement`);
  }
  return out;
}

const layerArb = fc.record({
  cut: fc.constantFrom<Layer["cut"]>("none", "none", "detach", "noGrad"),
  freeze: fc.boolean(),
  residual: fc.boolean(),
});

describe("property: statuses agree with the real gradients of random models", () => {
  it("a parameter with a gradient is never cut or unused; a cut names sites whose removal restores the gradient", () => {
    const seen = { cut: 0, cutInSeries: 0, frozen: 0, blockedButReached: 0 };
    fc.assert(
      fc.property(fc.array(layerArb, { minLength: 2, maxLength: 4 }), (layers) => {
        const { report, grads } = runModel(layers);
        expect(report.parameters).toHaveLength(grads.length);
        report.parameters.forEach((p, k) => {
          if (grads[k] !== null) {
            expect(["cut", "unused"]).not.toContain(p.status);
            expect(p.gotGrad).toBe(true);
          } else {
            expect(p.gotGrad).toBe(false);
          }
          if (p.status === "cut") {
            seen.cut++;
            if (p.cause!.alsoNeeded) seen.cutInSeries++;
            const lines = [p.cause!.line, ...(p.cause!.alsoNeeded ?? []).map((s) => s.line)];
            const rerun = runModel(without(layers, lines));
            expect(rerun.grads[k], `${p.name}: removing ${lines.join(", ")} from ${JSON.stringify(layers)}`).not.toBeNull();
          }
          if (p.status === "frozen") {
            seen.frozen++;
            expect(p.cause!.line).toBeGreaterThanOrEqual(300);
          }
        });
        // the head is never cut: every run has a backward that reaches it
        expect(report.parameters.at(-1)!.status).not.toBe("cut");
        seen.blockedButReached += report.cuts.reduce((n, c) => n + c.gotGradElsewhere.length, 0);
      }),
      { numRuns: 60, seed: 20241126 },
    );
    // the sample really exercises cuts, cuts in series, freezes and partial cuts (residual paths)
    expect(seen.cut).toBeGreaterThan(20);
    expect(seen.cutInSeries).toBeGreaterThan(0);
    expect(seen.frozen).toBeGreaterThan(20);
    expect(seen.blockedButReached).toBeGreaterThan(5);
  });
});
