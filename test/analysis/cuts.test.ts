import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { analyze } from "../../src/analysis";
import { MAX_GRAPH_NODES } from "../../src/analysis/graphReport";
import { TraceBuilder } from "./traceBuilder";
import { applyLinear, chain, linear } from "./scenarios";
import { traceInProcess } from "./realTrace";
import { nn, randn, setGradEnabled, type Tensor } from "gradlens";

describe("cut sites", () => {
  it("a detach on one branch while the other still reaches the encoder: a stop-gradient by design, GL007 as info at the detach", () => {
    const b = new TraceBuilder();
    const enc = linear(b, "enc", 2, 2, 1), head = linear(b, "head", 2, 1, 2), aux = linear(b, "aux", 2, 1, 3);
    const opt = b.optimizer("opt", "SGD", [{ params: [enc, head, aux].flatMap((l) => [l.weight, l.bias]), lr: 0.1 }], 4);
    const h = applyLinear(b, enc, b.leaf("x", [1, 2], 5), 6);
    const main = applyLinear(b, head, b.detach(h, 7), 7);
    const side = applyLinear(b, aux, h, 8);
    const loss = b.op("add", [b.op("sum", [main], 9, { shape: [] }), b.op("sum", [side], 9, { shape: [] })], 9, { shape: [] });
    b.backward(loss, 10);
    b.step(opt, 11);
    const r = analyze(b.build());
    expect(r.parameters.every((p) => p.status === "updated")).toBe(true);
    expect(r.cuts).toEqual([
      { file: "model.ts", line: 7, column: 1, kind: "detach", blocked: ["enc.weight", "enc.bias"], gotGradElsewhere: ["enc.weight", "enc.bias"] },
    ]);
    expect(r.findings.map((f) => [f.code, f.severity, f.line, f.parameters])).toEqual([["GL007", "info", 7, ["enc.weight", "enc.bias"]]]);
    expect(r.findings[0].related.map((s) => s.line)).toEqual([10, 4]);
  });

  it("a loss whose only path to the encoder is cut, while another loss of the same step trains it: GL007 warning", () => {
    const b = new TraceBuilder();
    const enc = linear(b, "enc", 2, 2, 1), head = linear(b, "head", 2, 1, 2), aux = linear(b, "aux", 2, 1, 3);
    const opt = b.optimizer("opt", "SGD", [{ params: [enc, head, aux].flatMap((l) => [l.weight, l.bias]), lr: 0.1 }], 4);
    const h = applyLinear(b, enc, b.leaf("x", [1, 2], 5), 6);
    b.backward(b.op("sum", [applyLinear(b, head, b.detach(h, 7), 7)], 7, { shape: [] }), 8);
    const h2 = applyLinear(b, enc, b.leaf("x2", [1, 2], 9), 9);
    b.backward(b.op("sum", [applyLinear(b, aux, h2, 10)], 10, { shape: [] }), 11);
    b.step(opt, 12);
    const r = analyze(b.build());
    expect(r.findings.map((f) => [f.code, f.severity, f.line, f.parameters])).toEqual([["GL007", "warning", 7, ["enc.weight", "enc.bias"]]]);
    expect(r.findings[0].message).toContain("gradient only from other losses of that step");
  });

  it("cuts in series: the cause names the one nearer the loss and lists the other as also needed", () => {
    const b = new TraceBuilder();
    const l0 = linear(b, "l0", 2, 2, 1), l1 = linear(b, "l1", 2, 2, 2), l2 = linear(b, "l2", 2, 1, 3);
    const x1 = applyLinear(b, l0, b.leaf("x", [1, 2], 4), 5);
    const x2 = applyLinear(b, l1, b.detach(x1, 6), 6);
    const x3 = applyLinear(b, l2, b.detach(x2, 7), 7);
    b.backward(b.op("sum", [x3], 8, { shape: [] }), 9);
    const r = analyze(b.build());
    const l0w = r.parameters.find((p) => p.name === "l0.weight")!;
    expect(l0w.status).toBe("cut");
    expect(l0w.cause).toMatchObject({ kind: "detach", line: 7, alsoNeeded: [{ kind: "detach", line: 6, column: 1, file: "model.ts" }] });
    expect(l0w.cause!.message).toBe("detach() at model.ts:7 and detach() at model.ts:6 together stop every gradient to l0.weight");
    // each detach alone blocks only what lies directly behind it
    expect(r.cuts.map((c) => [c.line, c.blocked])).toEqual([[6, []], [7, ["l1.weight", "l1.bias"]]]);
  });

  it("a noGrad region used only for evaluation blocks nothing", () => {
    const b = new TraceBuilder();
    const l = linear(b, "net", 2, 1, 1);
    const x = b.leaf("x", [1, 2], 2);
    b.backward(b.op("sum", [applyLinear(b, l, x, 3)], 3, { shape: [] }), 4);
    b.noGrad(5, 7, () => applyLinear(b, l, x, 6));
    const r = analyze(b.build());
    expect(r.cuts).toEqual([{ file: "model.ts", line: 5, column: 1, endLine: 7, kind: "no-grad", blocked: [], gotGradElsewhere: [] }]);
    expect(r.parameters.map((p) => p.status)).toEqual(["grad-not-applied", "grad-not-applied"]);
  });

  it("setGradEnabled(false) … setGradEnabled(true) is a region on the real engine", () => {
    const t = traceInProcess("sge.ts", (at) => {
      at(1);
      const a = new nn.Linear(2, 2);
      const c = new nn.Linear(2, 1);
      at(3);
      const x = randn(1, 2);
      at(4);
      setGradEnabled(false);
      at(5);
      const h = a.call(x) as Tensor;
      at(6);
      setGradEnabled(true);
      at(7);
      (c.call(h) as Tensor).sum().backward();
    });
    const r = analyze(t);
    expect(r.parameters.map((p) => [p.status, p.cause?.kind ?? null, p.cause?.line ?? null])).toEqual([
      ["cut", "no-grad", 4], ["cut", "no-grad", 4], ["grad-not-applied", "not-in-optimizer", 1], ["grad-not-applied", "not-in-optimizer", 1],
    ]);
    expect(r.cuts).toHaveLength(1);
    expect(r.cuts[0]).toMatchObject({ kind: "no-grad", line: 4, endLine: 6 });
    expect(r.cuts[0].blocked).toHaveLength(2);
  });

  it("in-place detach_() on the real engine cuts like detach()", () => {
    const t = traceInProcess("d.ts", (at) => {
      at(1);
      const a = new nn.Linear(2, 2), c = new nn.Linear(2, 1);
      at(3);
      const h = a.call(randn(1, 2)) as Tensor;
      at(4);
      h.detach_();
      at(5);
      (c.call(h) as Tensor).sum().backward();
    });
    const r = analyze(t);
    expect(r.parameters.map((p) => p.status)).toEqual(["cut", "cut", "grad-not-applied", "grad-not-applied"]);
    expect(r.parameters[0].cause).toMatchObject({ kind: "detach", line: 4 });
    expect(r.cuts).toEqual([{ file: "d.ts", line: 4, column: 1, kind: "detach", blocked: r.parameters.slice(0, 2).map((p) => p.name), gotGradElsewhere: [] }]);
  });
});

describe("graph for the webview", () => {
  it("params, leaves, op nodes with gradFn names, detach edges, grad-off ops, backwards per node", () => {
    const r = analyze(chain("detach"));
    const g = r.graph;
    const params = g.nodes.filter((n) => n.kind === "param");
    expect(params.map((n) => [n.label, n.status])).toEqual(r.parameters.map((p) => [p.name, p.status]));
    expect(g.nodes.filter((n) => n.kind === "leaf").map((n) => n.label)).toEqual(["x"]);
    const addmm = g.nodes.filter((n) => n.kind === "op" && n.label === "AddmmBackward0");
    expect(addmm.map((n) => n.module)).toEqual(["lin0", "lin1", "lin2", "lin3"]);
    expect(addmm.map((n) => n.backwards)).toEqual([[], [], [0], [0]]);
    const detach = g.edges.filter((e) => e.kind === "detach");
    expect(detach).toHaveLength(1);
    expect(detach[0].site).toEqual({ file: "model.ts", line: 11, column: 1 });
    expect(g.nodes.find((n) => n.id === detach[0].from)!.module).toBe("lin1");
    expect(g.modules.map((m) => [m.path, m.type, m.parent])).toEqual([
      ["lin0", "Linear", null], ["lin1", "Linear", null], ["lin2", "Linear", null], ["lin3", "Linear", null],
    ]);
    expect(g.truncated).toBeUndefined();
    const nograd = analyze(chain("noGrad")).graph.nodes.filter((n) => n.kind === "op" && !n.gradEnabled);
    expect(nograd.map((n) => [n.label, n.module])).toEqual([["t", "lin1"], ["addmm", "lin1"]]);
  });

  it("is bounded: a long run keeps the first MAX_GRAPH_NODES nodes and says it was truncated", () => {
    const b = new TraceBuilder();
    const l = linear(b, "net", 2, 1, 1);
    const x = b.leaf("x", [1, 2], 2);
    for (let i = 0; i < MAX_GRAPH_NODES / 2; i++) b.backward(b.op("sum", [applyLinear(b, l, x, 3)], 3, { shape: [] }), 4);
    const r = analyze(b.build());
    expect(r.graph.nodes).toHaveLength(MAX_GRAPH_NODES);
    expect(r.graph.truncated).toBe(true);
    const ids = new Set(r.graph.nodes.map((n) => n.id));
    expect(r.graph.edges.every((e) => ids.has(e.from) && ids.has(e.to))).toBe(true);
  });
});

describe("docs/findings.md", () => {
  it("documents every code the rules can emit, under a heading whose anchor is the code", () => {
    const rules = readFileSync(new URL("../../src/analysis/findings.ts", import.meta.url), "utf8");
    const docs = readFileSync(new URL("../../docs/findings.md", import.meta.url), "utf8");
    const emitted = [...new Set([...rules.matchAll(/"(GL\d{3})"/g)].map((m) => m[1]))].sort();
    const headings = [...docs.matchAll(/^## (GL\d{3}) /gm)].map((m) => m[1]);
    expect(emitted).toEqual(["GL001", "GL002", "GL003", "GL004", "GL005", "GL006", "GL007", "GL008", "GL009", "GL010", "GL011"]);
    expect(headings).toEqual(emitted);
  });
});
