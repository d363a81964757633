// "Was the parameter updated" rests on the tracer seeing a step change it. The tracer compares a
// large parameter's fingerprints (over 65,536 elements) and a small one's copy (src/trace/recorder.ts,
// scans.ts): a step that changes one element must count on both paths, wherever the element is (the
// scans take 16,384-float chunks).
import { describe, expect, it } from "vitest";
import { nn, optim, tensor } from "gradlens";
import { analyze } from "../../src/analysis";
import { traceInProcess } from "./realTrace";

/** One SGD step (no momentum, no weight decay) on an embedding looked up at `row` only. */
function stepOneRow(rows: number, row: number, lr: number) {
  let changedElements = -1;
  const trace = traceInProcess("model.ts", (at) => {
    at(1);
    const emb = new nn.Embedding(rows, 1);
    at(2);
    const opt = new optim.SGD(emb.parameters(), { lr });
    at(3);
    const loss = (emb.call(tensor([row], { dtype: "int64" })) as ReturnType<typeof tensor>).sum();
    at(4);
    loss.backward();
    const before = Float32Array.from(emb.weight.dataSync());
    at(5);
    opt.step();
    const after = emb.weight.dataSync();
    changedElements = before.filter((v, i) => v !== after[i]).length;
  });
  return { changedElements, report: analyze(trace) };
}

describe("a step that changes one element of a parameter", () => {
  // the first element, the last of a chunk, the first of the next, the last of a length not a multiple of 16
  const cases: Array<[number, number]> = [
    ...[0, 16_383, 16_384, 20_000].map((row): [number, number] => [20_001, row]), // copied
    ...[0, 16_384, 65_535, 65_536, 70_000].map((row): [number, number] => [70_001, row]), // fingerprinted
  ];
  for (const [rows, row] of cases) {
    it(`is seen at element ${row} of ${rows}: the embedding is updated`, () => {
      const { changedElements, report } = stepOneRow(rows, row, 0.1);
      expect(changedElements).toBe(1);
      expect(report.parameters.map((p) => [p.status, p.updated])).toEqual([["updated", true]]);
      expect(report.findings.filter((f) => f.severity !== "info")).toEqual([]);
    });
  }

  for (const rows of [20_001, 70_001]) {
    it(`at lr 0 nothing changes (${rows} elements): the embedding got a gradient and is not updated`, () => {
      const { changedElements, report } = stepOneRow(rows, 16_384, 0);
      expect(changedElements).toBe(0);
      expect(report.parameters.map((p) => [p.status, p.updated, p.gotGrad])).toEqual([["grad-not-applied", false, true]]);
    });
  }
});
