// Inside an engine module's forward (nn.Sequential, nn.Linear, ...) every record has the line that
// called the outermost one, taken from the stack once per call. A module first met at a call (made
// before tracing began) takes that line too, without a capture of its own. The line is the call's,
// never a cached one: the same model called from two lines, in a loop, gives each call its own.
import { afterEach, describe, expect, it } from "vitest";
import { nn, randn } from "gradlens";
import { setObserver } from "../../src/engine/observer";
import { TraceRecorder } from "../../src/trace/recorder";
import { SiteCapture } from "../../src/trace/sites";
import type { Site } from "../../src/trace/schema";
import { callerFrame } from "./callerFrame";

afterEach(() => setObserver(null));

describe("sites inside engine modules", () => {
  it("a model made before tracing, called from two lines in turn: each call's ops carry its line; its modules, the first call's", () => {
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Sequential(new nn.Linear(4, 2), new nn.Tanh()));
    const x = randn(5, 3);
    const real = new SiteCapture(callerFrame().file, { map: (line, column) => ({ file: "t.ts", line, column }) });
    const capturesPerCall: number[] = [];
    let captures = 0;
    const sites = {
      capture: (skip?: ReadonlySet<string>, above?: () => unknown, path?: unknown): Site | null => (captures++, real.capture(skip, above, path)),
    };
    const recorder = new TraceRecorder({ file: "t.ts", sites });
    setObserver(recorder);
    const calls: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = captures;
      if (i % 2 === 0) {
        const [at] = [callerFrame().line, model.call(x)];
        calls.push(at);
      } else {
        const [at] = [callerFrame().line, model.call(x)];
        calls.push(at);
      }
      capturesPerCall.push(captures - before);
    }
    setObserver(null);
    const trace = recorder.finish({ stopped: { reason: "end-of-file", message: "" }, error: null, console: [], durationMs: 0 });

    expect(calls[0]).not.toBe(calls[1]);
    const opsPerCall = trace.ops.length / 4;
    expect(trace.ops.slice(0, opsPerCall).map((o) => o.op)).toEqual(["t", "addmm", "relu", "t", "addmm", "tanh"]);
    expect(trace.ops.map((o) => o.site?.line)).toEqual(calls.flatMap((line) => Array<number>(opsPerCall).fill(line)));
    expect(trace.modules.map((m) => m.site?.line)).toEqual(Array<number>(6).fill(calls[0]!));
    // one capture per call, the first call's six modules included
    expect(capturesPerCall).toEqual([1, 1, 1, 1]);
  });
});
