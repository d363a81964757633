import { performance } from "node:perf_hooks";
import { LimitedChild, type LimitedChildOptions } from "./childProcess";

// One pre-started child per host: the next check skips Node's start and the engine's load. A spare
// has no limits while it waits (it only reads stdin), does not keep the host alive, and exits when
// the host goes away (its stdin closes).

type Entry = { child: LimitedChild; onMessage: { current: (m: unknown) => void }; startedAt: number };

let spare: ({ key: string } & Entry) | null = null;

export interface TakenChild {
  child: LimitedChild;
  /** where the child's messages go from now on */
  setOnMessage(handler: (m: unknown) => void): void;
  /** how long ago the child was started (a check's timing line: a young one is still loading the engine) */
  ageMs: number;
}

function start(options: Omit<LimitedChildOptions, "onMessage">): Entry {
  const onMessage = { current: (_m: unknown) => {} };
  const child = new LimitedChild({ ...options, onMessage: (m) => onMessage.current(m) });
  return { child, onMessage, startedAt: performance.now() };
}

/** The waiting spare when it was started the same way, else a new child. */
export function takeChild(key: string, options: Omit<LimitedChildOptions, "onMessage">): TakenChild {
  let entry = spare;
  spare = null;
  if (entry !== null && (entry.key !== key || !entry.child.running)) {
    entry.child.stop("cancelled");
    entry = null;
  }
  const { child, onMessage, startedAt } = entry ?? start(options);
  child.ref();
  return { child, setOnMessage: (h) => (onMessage.current = h), ageMs: performance.now() - startedAt };
}

/** Starts a spare for the next check (replacing one started another way). */
export function prestart(key: string, options: Omit<LimitedChildOptions, "onMessage">): void {
  if (spare !== null && spare.key === key && spare.child.running) return;
  spare?.child.stop("cancelled");
  const entry = start(options);
  entry.child.unref();
  spare = { key, ...entry };
}

/** Stops the spare (tests; a host shutting down kills it anyway). */
export function stopSpare(): void {
  spare?.child.stop("cancelled");
  spare = null;
}
