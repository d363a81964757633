// A functional made of several ops (F.crossEntropy: log_softmax, then nll_loss) is one line of the
// user's: its ops carry that line, taken from the stack once, as each op's own capture would give.
import { afterEach, describe, expect, it } from "vitest";
import { F, randint, randn } from "gradlens";
import { setObserver } from "../../src/engine/observer";
import { TraceRecorder } from "../../src/trace/recorder";
import { SiteCapture } from "../../src/trace/sites";
import type { Site } from "../../src/trace/schema";
import { callerFrame } from "./callerFrame";

afterEach(() => setObserver(null));

describe("sites inside a functional", () => {
  it("F.crossEntropy's ops all carry the calling line, with one stack capture for them", () => {
    const real = new SiteCapture(callerFrame().file, { map: (line, column) => ({ file: "t.ts", line, column }) });
    let captures = 0;
    const sites = { capture: (skip?: ReadonlySet<string>, above?: () => unknown): Site | null => (captures++, real.capture(skip, above)) };
    const logits = randn(4, 3, { requiresGrad: true });
    const target = randint(0, 3, [4]);
    const recorder = new TraceRecorder({ file: "t.ts", sites });
    setObserver(recorder);
    const before = captures;
    const [call, loss] = [callerFrame(), F.crossEntropy(logits, target)];
    const used = captures - before;
    setObserver(null);
    const trace = recorder.finish({ stopped: { reason: "end-of-file", message: "" }, error: null, console: [], durationMs: 0 });
    expect(trace.ops.map((o) => o.op)).toEqual(["logSoftmax", "nllLoss"]);
    expect(trace.ops.map((o) => o.site?.line)).toEqual([call.line, call.line]);
    expect(used).toBe(1);
    // and as before the engine is observed again: a later op outside takes its own line
    expect(loss.requiresGrad).toBe(true);
  });

  it("the functional's line is dropped at its end, also when it throws", () => {
    const lines: number[] = [];
    let line = 1;
    const sites = { capture: (): Site | null => (lines.push(line), { file: "t.ts", line, column: 1 }) };
    const recorder = new TraceRecorder({ file: "t.ts", sites });
    setObserver(recorder);
    const x = randn(2, 3, { requiresGrad: true });
    line = 2;
    expect(() => F.crossEntropy(x, randint(0, 3, [5]))).toThrow();
    line = 3;
    x.mul(2);
    setObserver(null);
    const trace = recorder.finish({ stopped: { reason: "end-of-file", message: "" }, error: null, console: [], durationMs: 0 });
    expect(trace.ops.at(-1)?.op).toBe("mul");
    expect(trace.ops.at(-1)?.site?.line).toBe(3);
  });
});
