import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis";
import { TraceBuilder } from "./traceBuilder";
import { applyLinear, linear } from "./scenarios";

/** The article's retain_graph case: x.grad is 56 with p = z, 48 with p = z.detach(). */
function article(detach: boolean) {
  const b = new TraceBuilder("article.ts");
  const x = b.leaf("x", [1], 1, true, "float64");
  const y = b.op("pow", [x], 2, { dtype: "float64", saved: [x] });
  const z = b.op("mul", [y], 3, { dtype: "float64" });
  const w = b.op("pow", [z], 4, { dtype: "float64", saved: [z] });
  const p = detach ? b.detach(z, 5) : z;
  const q = b.leaf("q", [1], 6, true, "float64");
  const pq = b.op("mul", [p, q], 7, { dtype: "float64", saved: [p, q] });
  b.backward(pq, 8, { retainGraph: true });
  b.backward(w, 9);
  return analyze(b.build());
}

describe("gradient accumulated over several backward() calls", () => {
  it("article, p = z: x.grad adds both backward() calls (56, not 48): GL005 lists both sites", () => {
    const r = article(false);
    expect(r.parameters.map((p) => [p.name, p.reachedBy])).toEqual([["x", [0, 1]], ["q", [0]]]);
    expect(r.findings.map((f) => [f.code, f.severity, f.line, f.parameters])).toEqual([["GL005", "warning", 9, ["x"]]]);
    expect(r.findings[0].related.map((s) => s.line)).toEqual([8, 9]);
    expect(r.findings[0].message).toContain("article.ts:8, article.ts:9");
  });

  it("article, p = z.detach(): x only gets w's gradient (48): no GL005; the detach blocked x, which got gradient elsewhere", () => {
    const r = article(true);
    expect(r.parameters.map((p) => [p.name, p.reachedBy])).toEqual([["x", [1]], ["q", [0]]]);
    expect(r.findings).toEqual([]);
    expect(r.cuts).toEqual([{ file: "article.ts", line: 5, column: 1, kind: "detach", blocked: ["x"], gotGradElsewhere: ["x"] }]);
    // no optimizer at all: the gradient is not applied, but nothing is reported about it
    expect(r.parameters[0]).toMatchObject({ status: "grad-not-applied", cause: { kind: "not-in-optimizer" } });
  });

  function training(sites: number[], zeroEach: boolean) {
    const b = new TraceBuilder();
    const l = linear(b, "net", 2, 1, 1);
    const opt = b.optimizer("opt", "SGD", [{ params: [l.weight, l.bias], lr: 0.1 }], 2);
    for (let it = 0; it < 2; it++) {
      b.zeroGrad({ kind: "optimizer", optimizer: opt }, 3);
      for (const line of sites) {
        if (zeroEach) b.zeroGrad({ kind: "optimizer", optimizer: opt }, line - 1);
        const loss = b.op("sum", [applyLinear(b, l, b.leaf("batch", [4, 2], line), line)], line, { shape: [] });
        b.backward(loss, line);
      }
      b.step(opt, 20);
    }
    return analyze(b.build());
  }

  it("micro-batch accumulation (one backward() line run 4 times per step) is on purpose: no finding", () => {
    expect(training([10, 10, 10, 10], false).findings).toEqual([]);
  });

  it("two losses of separate forward passes summed into one step (DCGAN's errD_real, errD_fake): on purpose, no finding", () => {
    expect(training([10, 12], false).findings).toEqual([]);
  });

  /** One backward() and one step per iteration; `zero` clears before each backward. */
  function loop(zero: boolean, iterations: number, stoppedBeforeStep: boolean) {
    const b = new TraceBuilder();
    const l = linear(b, "net", 2, 1, 1);
    const opt = b.optimizer("opt", "SGD", [{ params: [l.weight, l.bias], lr: 0.1 }], 2);
    for (let it = 0; it < iterations; it++) {
      if (zero) b.zeroGrad({ kind: "optimizer", optimizer: opt }, 3);
      const loss = b.op("sum", [applyLinear(b, l, b.leaf("batch", [4, 2], 4), 4)], 4, { shape: [] });
      b.backward(loss, 5);
      if (it < iterations - 1 || !stoppedBeforeStep) b.step(opt, 6);
    }
    const trace = b.build();
    if (stoppedBeforeStep) trace.stopped = { reason: "step-budget", message: "stopped", file: "model.ts", line: 6, column: 5 }; // the step's site
    return analyze(trace);
  }

  it("no zeroGrad(): the 2nd step applies the 1st iteration's gradient again: GL005 at the step", () => {
    const r = loop(false, 2, false);
    expect(r.findings.map((f) => [f.code, f.line, f.parameters])).toEqual([["GL005", 6, ["net.weight", "net.bias"]]]);
    expect(r.findings[0].message).toContain("a previous step already applied");
  });

  it("no zeroGrad(), run stopped just before the 2nd step (--steps 1): the step it was about to take is read, GL005", () => {
    const r = loop(false, 2, true);
    expect(r.findings.map((f) => [f.code, f.line])).toEqual([["GL005", 6]]);
  });

  it("with zeroGrad() each iteration, stopped before the 2nd step: no finding", () => {
    expect(loop(true, 2, true).findings).toEqual([]);
  });

  it("zeroGrad between the two losses: only the last one reaches the step, no GL005", () => {
    expect(training([10, 12], true).findings).toEqual([]);
  });
});
