import { describe, expect, it } from "vitest";
import { tensor, randn, ones, zeros, manualSeed, type Tensor } from "gradlens";
import { analyze } from "../../src/analysis";
import type { Report } from "../../src/protocol/report";
import { ganModels, traceInProcess } from "./realTrace";

// Gradients cleared by hand (`p.grad = null`, `p.grad.zero_()`) count as a zeroGrad of those
// tensors for the accumulation rules (GL005, GL006), on the real engine and tracer.

const codes = (r: Report) => [...new Set(r.findings.map((f) => f.code))].sort();

type Clear = "none" | "null" | "zero_";

/** Two different losses, one backward() per iteration, alternating lines 7 and 8. */
function alternating(clear: Clear): Report {
  return analyze(traceInProcess("loop.ts", (at) => {
    at(1);
    const x = tensor([1.0], { requiresGrad: true });
    x.name = "x"; // in-process there is no source text to name it from
    at(2);
    const q = tensor([2.0], { requiresGrad: true });
    for (let step = 0; step < 4; step++) {
      at(4);
      if (clear === "null") {
        x.grad = null;
        q.grad = null;
      } else if (clear === "zero_") {
        x.grad?.zero_();
        q.grad?.zero_();
      }
      at(5);
      const z = x.pow(2).mul(2);
      if (step % 2) {
        at(7);
        z.mul(q).sum().backward();
      } else {
        at(8);
        z.pow(3).sum().backward();
      }
    }
  }));
}

describe("hand-written clears and GL005", () => {
  it("x.grad = null at the top of each iteration: no GL005", () => {
    const r = alternating("null");
    expect(r.findings).toEqual([]);
  });

  it("x.grad.zero_() at the top of each iteration: no GL005", () => {
    const r = alternating("zero_");
    expect(r.findings).toEqual([]);
  });

  it("the same loop without the clear: GL005 for x, with both backward() lines", () => {
    const r = alternating("none");
    expect(r.findings.map((f) => [f.code, f.parameters])).toEqual([["GL005", ["x"]]]);
    expect(r.findings[0].related.map((s) => s.line).sort()).toEqual([7, 8]);
  });

  it("the article's loop with clears: x still sums two backward() calls within one iteration (GL005), q does not", () => {
    const r = analyze(traceInProcess("article.ts", (at) => {
      at(1);
      const x = tensor([1.0], { requiresGrad: true });
    x.name = "x"; // in-process there is no source text to name it from
      at(2);
      const q = tensor([2.0], { requiresGrad: true });
      for (let step = 0; step < 3; step++) {
        at(4);
        x.grad = null;
        at(5);
        q.grad = null;
        at(6);
        const z = x.pow(2).mul(2);
        at(7);
        z.mul(q).backward({ retainGraph: true });
        at(8);
        z.pow(3).backward();
      }
      // one iteration's value, as in the article: 56 = 8 (z·q) + 48 (z³)
      expect(x.grad!.item()).toBe(56);
    }));
    expect(r.findings.map((f) => [f.code, f.line, f.parameters])).toEqual([["GL005", 8, ["x"]]]);
    expect(r.findings[0].related.map((s) => s.line)).toEqual([7, 8]);
  });
});

/** The GAN whose G gradient is cleared only before the D step (so lossD's gradient reaches optG.step()),
 * unless `clearGByHand` clears G's parameters by hand before the G loss. */
function gan(clearGByHand: boolean): Report {
  manualSeed(0);
  return analyze(traceInProcess("gan.ts", (at) => {
    const { G, D, crit, optG, optD } = ganModels(at);
    for (let it = 0; it < 2; it++) {
      at(10);
      const fake = G.call(randn(8, 2)) as Tensor;
      at(11);
      optD.zeroGrad();
      optG.zeroGrad();
      at(12);
      const lossD = (crit.call(D.call(randn(8, 2)), ones(8, 1)) as Tensor).add(crit.call(D.call(fake), zeros(8, 1)) as Tensor);
      at(13);
      lossD.backward({ retainGraph: true });
      at(14);
      optD.step();
      at(15);
      if (clearGByHand) for (const p of G.parameters()) p.grad = null;
      at(16);
      const lossG = crit.call(D.call(fake), ones(8, 1)) as Tensor;
      at(17);
      lossG.backward();
      at(18);
      optG.step();
    }
  }));
}

describe("hand-written clears and GL006", () => {
  it("without a clear of G before lossG: optG steps with lossD's gradient (GL006 at line 18)", () => {
    const r = gan(false);
    expect(codes(r)).toContain("GL006");
    expect(r.findings.find((f) => f.code === "GL006")!.line).toBe(18);
  });

  it("`for (const p of G.parameters()) p.grad = null` before lossG: no GL006 and no GL005", () => {
    const r = gan(true);
    expect(codes(r)).not.toContain("GL006");
    expect(codes(r)).not.toContain("GL005");
    expect(r.parameters.every((p) => p.status === "updated")).toBe(true);
  });
});
