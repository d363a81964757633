// "Was the parameter updated" rests on the tracer seeing a step change it. The tracer compares
// fingerprints, not copies (src/trace/scans.ts): a step that changes one element of a parameter
// longer than the scan's 16,384-float chunk must still count, wherever the element is.
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

describe("a step that changes one element of a large parameter", () => {
  // the first element, the last of the first chunk, the first of the second, the last of a length not a multiple of 16
  for (const row of [0, 16_383, 16_384, 20_000]) {
    it(`is seen at element ${row} of 20,001: the embedding is updated`, () => {
      const { changedElements, report } = stepOneRow(20_001, row, 0.1);
      expect(changedElements).toBe(1);
      expect(report.parameters.map((p) => [p.status, p.updated])).toEqual([["updated", true]]);
      expect(report.findings.filter((f) => f.severity !== "info")).toEqual([]);
    });
  }

  it("at lr 0 nothing changes: the embedding got a gradient and is not updated", () => {
    const { changedElements, report } = stepOneRow(20_001, 16_384, 0);
    expect(changedElements).toBe(0);
    expect(report.parameters.map((p) => [p.status, p.updated, p.gotGrad])).toEqual([["grad-not-applied", false, true]]);
  });
});
