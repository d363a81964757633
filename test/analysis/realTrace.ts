import { setObserver } from "../../src/engine/observer";
import { TraceRecorder } from "../../src/trace/recorder";
import type { Site, Trace } from "../../src/trace/schema";

// Runs model code in-process on the real engine under the real tracer. Sites come from `at(line)`
// calls in the model code instead of stack traces, so a test can name the "line" of each cut.

export function traceInProcess(file: string, body: (at: (line: number) => void) => void): Trace {
  let line = 1;
  const at = (l: number) => {
    line = l;
  };
  const recorder = new TraceRecorder({ file, sites: { capture: (): Site => ({ file, line, column: 1 }) } });
  const prev = setObserver(recorder);
  let error: unknown = null;
  try {
    body(at);
  } catch (e) {
    error = e;
  } finally {
    setObserver(prev);
  }
  if (error !== null) throw error;
  return recorder.finish({ stopped: { reason: "end-of-file", message: "" }, error: null, console: [], durationMs: 0 });
}
