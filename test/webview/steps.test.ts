// Training steps read from a report: what the graph opens on (the first step) and what each step draws.
import { describe, expect, it } from "vitest";
import { nodesOfStep, reportOfStep, stepOfOps, trainingSteps } from "../../media/src/steps";
import { FIXTURES, ganLoop } from "./reportBuilder";

describe("training steps", () => {
  it("a step ends where a backward() call site repeats", () => {
    const { report } = ganLoop(3);
    expect(trainingSteps(report.backwards)).toEqual([[0, 1], [2, 3], [4, 5]]);
    // one loss per iteration: one backward per step
    const one = (line: number, index: number) => ({ file: "a.ts", line, column: 5, index, reached: [], byModule: {} });
    expect(trainingSteps([one(9, 0), one(9, 1), one(9, 2)])).toEqual([[0], [1], [2]]);
    // two different losses in a row (a GAN's first iteration only): one step
    expect(trainingSteps([one(9, 0), one(12, 1)])).toEqual([[0, 1]]);
    expect(trainingSteps([])).toEqual([]);
  });

  it("each op belongs to the iteration that ran it, also when no backward() reached it", () => {
    const { report, opsOf } = ganLoop(2);
    const steps = trainingSteps(report.backwards);
    const byOp = stepOfOps(report.graph.nodes, steps);
    opsOf.forEach((ops, s) => {
      expect(ops.length).toBeGreaterThan(0);
      for (const id of ops) expect(byOp.get(id), id).toBe(s);
    });
  });

  it("a step's graph: its own ops, every parameter, the leaves its ops use; no dangling edge", () => {
    const { report, opsOf } = ganLoop(2);
    const steps = trainingSteps(report.backwards);
    for (const s of [0, 1]) {
      const keep = nodesOfStep(report, steps, s);
      const kinds = (k: string) => report.graph.nodes.filter((n) => n.kind === k && keep.has(n.id)).map((n) => n.label).sort();
      expect(report.graph.nodes.filter((n) => n.kind === "op" && keep.has(n.id)).map((n) => n.id).sort()).toEqual([...opsOf[s]].sort());
      expect(kinds("param")).toEqual(["D.fc.bias", "D.fc.weight", "G.fc.bias", "G.fc.weight"]);
      expect(kinds("leaf")).toEqual(s === 0 ? ["ones", "z"] : ["ones", "z#2"]);
      const sub = reportOfStep(report, steps, s);
      for (const e of sub.graph.edges) expect(keep.has(e.from) && keep.has(e.to)).toBe(true);
      // the detach edge of the step is kept
      expect(sub.graph.edges.filter((e) => e.kind === "detach").length).toBe(1);
    }
  });

  it("one step, or all steps: the report as it is", () => {
    const gan = FIXTURES["gan.json"]();
    expect(reportOfStep(gan, trainingSteps(gan.backwards), 0)).toBe(gan);
    const { report } = ganLoop(2);
    expect(reportOfStep(report, trainingSteps(report.backwards), null)).toBe(report);
  });
});
