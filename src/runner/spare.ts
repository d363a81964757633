import { LimitedChild, type LimitedChildOptions } from "./childProcess";

// One pre-started child per host: the next check skips Node's start and the engine's load. A spare
// has no limits while it waits (it only reads stdin), does not keep the host alive, and exits when
// the host goes away (its stdin closes).

let spare: { key: string; child: LimitedChild; onMessage: { current: (m: unknown) => void } } | null = null;

export interface TakenChild {
  child: LimitedChild;
  /** where the child's messages go from now on */
  setOnMessage(handler: (m: unknown) => void): void;
  /** a spare started earlier (true) or a child started by this call */
  warm: boolean;
}

function start(options: Omit<LimitedChildOptions, "onMessage">): { child: LimitedChild; onMessage: { current: (m: unknown) => void } } {
  const onMessage = { current: (_m: unknown) => {} };
  const child = new LimitedChild({ ...options, onMessage: (m) => onMessage.current(m) });
  return { child, onMessage };
}

/** The waiting spare when it was started the same way, else a new child. */
export function takeChild(key: string, options: Omit<LimitedChildOptions, "onMessage">): TakenChild {
  let entry = spare;
  spare = null;
  if (entry !== null && (entry.key !== key || !entry.child.running)) {
    entry.child.stop("cancelled");
    entry = null;
  }
  const { child, onMessage } = entry ?? start(options);
  child.ref();
  return { child, setOnMessage: (h) => (onMessage.current = h), warm: entry !== null };
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
