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

  it("two different losses backpropagated into the same step: GL005 at the step, listing both backward() lines", () => {
    const r = training([10, 12], false);
    expect(r.findings.map((f) => [f.code, f.line, f.parameters, f.related.map((s) => s.line)])).toEqual([
      ["GL005", 20, ["net.weight", "net.bias"], [10, 12]],
    ]);
  });

  it("zeroGrad between the two losses: only the last one reaches the step, no GL005", () => {
    expect(training([10, 12], true).findings).toEqual([]);
  });
});
