// Traced, a leaf's gradient goes back to the buffer pool at zeroGrad(setToNone) as it does untraced
// (the recorder is lent each new gradient, keeps none): a traced step allocated fresh weight-sized
// gradients every step. The trace's gradient norms and step changes must still be the values an
// untraced run of the same program has: the recorder reads no gradient after its memory is reused.
import { afterEach, describe, expect, it } from "vitest";
import { F, manualSeed, nn, optim, randint, randn, type Tensor } from "gradlens";
import { setObserver } from "../../src/engine/observer";
import { TraceRecorder } from "../../src/trace/recorder";

afterEach(() => setObserver(null));

const STEPS = 3;

/** Three SGD steps with momentum on a small MLP; per step, each parameter's gradient norm and change (float64 from the float32 values). */
function train(onIteration?: () => void) {
  manualSeed(5);
  const model = new nn.Sequential(new nn.Linear(40, 64), new nn.ReLU(), new nn.Linear(64, 5)); // weights ≥ 1024 elements: pooled
  const params = [...model.parameters()];
  const opt = new optim.SGD(params, { lr: 0.1, momentum: 0.9 });
  const x = randn(16, 40);
  const y = randint(0, 5, [16]);
  const norms: number[][] = [];
  const changes: number[][] = [];
  const memory: unknown[] = [];
  for (let i = 0; i < STEPS; i++) {
    onIteration?.();
    opt.zeroGrad();
    F.crossEntropy(model.call(x) as Tensor, y).backward();
    memory.push(params[0]!._peekGrad()!.storage.data);
    norms.push(params.map((p) => Math.hypot(...p._peekGrad()!.dataSync())));
    const before = params.map((p) => Float32Array.from(p.dataSync()));
    opt.step();
    changes.push(params.map((p, k) => Math.max(...p.dataSync().map((v, j) => Math.abs(v - before[k]![j]!)))));
  }
  return { norms, changes, memory };
}

describe("traced gradients and the buffer pool", () => {
  it("a traced step's gradient reuses the last one's memory, and the trace reports the untraced run's norms and changes", () => {
    const untraced = train();
    const recorder = new TraceRecorder({ file: "model.ts", sites: { capture: () => null } });
    setObserver(recorder);
    const traced = train();
    setObserver(null);
    const trace = recorder.finish({ stopped: { reason: "end-of-file", message: "" }, error: null, console: [], durationMs: 0 });

    expect(traced.memory[1]).toBe(traced.memory[0]);
    expect(traced.memory[2]).toBe(traced.memory[0]);
    expect(traced.norms).toEqual(untraced.norms);
    expect(traced.changes).toEqual(untraced.changes);
    expect(trace.backwards).toHaveLength(STEPS);
    expect(trace.steps).toHaveLength(STEPS);
    const leafIds = trace.leaves.filter((l) => l.kind === "parameter").map((l) => l.id);
    for (let i = 0; i < STEPS; i++) {
      const norms = new Map(trace.backwards[i]!.reached.map((r) => [r.tensor, r.gradNorm]));
      leafIds.forEach((id, k) => expect(norms.get(id)).toBeCloseTo(untraced.norms[i]![k]!, 4));
      const changes = new Map(trace.steps[i]!.changes.map((c) => [c.tensor, c.changed]));
      leafIds.forEach((id, k) => expect(changes.get(id)).toBe(untraced.changes[i]![k]! > 0));
    }
  });
});
