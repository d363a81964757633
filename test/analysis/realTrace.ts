import { nn, optim } from "gradlens";
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

/** The small GAN both GAN scenario tests build, at "lines" 1–5: G, D, the loss, optG and optD. */
export function ganModels(at: (line: number) => void) {
  at(1);
  const G = new nn.Sequential(new nn.Linear(2, 4), new nn.ReLU(), new nn.Linear(4, 2));
  at(2);
  const D = new nn.Sequential(new nn.Linear(2, 4), new nn.LeakyReLU(0.2), new nn.Linear(4, 1));
  at(3);
  const crit = new nn.BCEWithLogitsLoss();
  at(4);
  const optG = new optim.Adam(G.parameters(), { lr: 2e-4 });
  at(5);
  const optD = new optim.Adam(D.parameters(), { lr: 2e-4 });
  return { G, D, crit, optG, optD };
}
