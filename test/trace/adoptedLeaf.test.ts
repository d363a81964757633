import { afterEach, describe, expect, it } from "vitest";
import { optim, rand, F } from "gradlens";
import { setObserver } from "../../src/engine/observer";
import { TraceRecorder } from "../../src/trace/recorder";
import { validateTrace, type Site, type Trace } from "../../src/trace/schema";
import { analyze } from "../../src/analysis";

// In PyTorch the result of an op that recorded no graph is a leaf: `inputImg = contentImg.clone()`
// then `inputImg.requiresGrad_(true)` makes the tensor style transfer's LBFGS optimizes. The trace
// must hold it as a leaf (else the one trained tensor is missing from the report), made at the op's
// line (its name comes from that line's assignment), and later ops must read it as a leaf.

let line = 0;
const sites = { capture: (): Site | null => ({ file: "style.ts", line, column: 1 }) };

function record(body: (at: (l: number) => void) => void, repeatsKept?: number): Trace {
  const recorder = new TraceRecorder({ file: "style.ts", sites, repeatsKept });
  setObserver(recorder);
  try {
    body((l) => (line = l));
  } finally {
    setObserver(null);
  }
  const trace = recorder.finish({ stopped: { reason: "end-of-file", message: "" }, error: null, console: [], durationMs: 0 });
  expect(validateTrace(JSON.parse(JSON.stringify(trace)))).toEqual([]);
  return trace;
}
afterEach(() => setObserver(null));

describe("an op's result made to require grad is a leaf", () => {
  it.each([[undefined], [0]])("clone() then requiresGrad_(true): a leaf made at the clone's line, read as a leaf, trained by the optimizer (repeats kept: %s)", (kept) => {
    // with no repeats kept, the clone (an op on values that need no gradient) is dropped as a repeat: its line is still known
    let id = -1;
    const trace = record((at) => {
      at(1);
      const content = rand(2, 3);
      content.sum(); // content's first use is recorded; a later constant op on it may be dropped
      at(2);
      const img = content.clone();
      id = img.id;
      at(3);
      img.requiresGrad_(true);
      at(4);
      const opt = new optim.SGD([img], { lr: 0.1 });
      at(5);
      const loss = F.mseLoss(img.mul(2), content);
      at(6);
      loss.backward();
      at(7);
      opt.step();
    }, kept);
    const leaf = trace.leaves.find((l) => l.id === id)!;
    expect(leaf).toMatchObject({ kind: "leaf", factory: "clone", requiresGrad: false, requiresGradAtEnd: true, site: { line: 2 } });
    expect(trace.requiresGradChanges.map((c) => [c.tensor, c.flag, c.site?.line])).toEqual([[id, true, 3]]);
    const mul = trace.ops.find((o) => o.op === "mul")!;
    expect(mul.inputs[0]).toEqual({ tensor: id, producer: null, requiresGrad: true });
    const report = analyze(trace);
    expect(report.parameters.map((p) => [p.shape, p.status, p.site?.line])).toEqual([[[2, 3], "updated", 2]]);
    expect(report.findings).toEqual([]);
  });

  it("an op's result that keeps not requiring grad, or a result with a graph, is no new leaf", () => {
    const trace = record((at) => {
      at(1);
      const a = rand(2, 3);
      at(2);
      a.clone().requiresGrad_(false);
      at(3);
      const w = rand(2, 3, { requiresGrad: true });
      at(4);
      const y = w.mul(2);
      at(5);
      y.requiresGrad_(true); // a non-leaf that already requires grad: PyTorch allows it, nothing changes
    });
    expect(trace.leaves.map((l) => [l.factory, l.site?.line])).toEqual([["rand", 1], ["rand", 3]]);
  });
});
