import { performance } from "node:perf_hooks";
import { LimitedChild, type LimitedChildOptions } from "./childProcess";
import type { ChildMessage, Rehearsal } from "./messages";

// One pre-started child per host: the next check skips Node's start and the engine's load. A spare
// has no limits while it waits (it only reads stdin), does not keep the host alive, and exits when
// the host goes away (its stdin closes).

/** a waiting child's state once it stopped starting: ready (with how its rehearsal ended), or gone */
export type SpareState = Rehearsal | "exited";

type Entry = {
  child: LimitedChild;
  onMessage: { current: (m: unknown) => void };
  startedAt: number;
  /** resolves once the waiting child said it is ready (with how its engine rehearsal ended) or exited */
  ready: Promise<SpareState>;
};

let spare: ({ key: string } & Entry) | null = null;

export interface TakenChild {
  child: LimitedChild;
  /** where the child's messages go from now on */
  setOnMessage(handler: (m: unknown) => void): void;
  /** how long ago the child was started (a check's timing line: a young one is still loading the engine) */
  ageMs: number;
}

function start(options: Omit<LimitedChildOptions, "onMessage">): Entry {
  let readied = (_r: Rehearsal) => {};
  const ready = new Promise<Rehearsal>((r) => (readied = r));
  // until a run takes it, the child's only message is "ready" (worker.ts)
  const onMessage = {
    current: (m: unknown) => {
      const message = m as ChildMessage | null;
      if (message?.type === "ready") readied(message.rehearsal);
    },
  };
  const child = new LimitedChild({ ...options, onMessage: (m) => onMessage.current(m) });
  const exited = child.exited.then(() => "exited" as const);
  return { child, onMessage, startedAt: performance.now(), ready: Promise.race([ready, exited]) };
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

/**
 * Resolves once the waiting spare (if any) is ready for its input: started, and its engine rehearsal
 * done. Benchmarks wait for it before timing a warm check, as an editor's checks seconds apart find it.
 */
export function spareReady(): Promise<SpareState | "none"> {
  const entry = spare;
  if (entry === null) return Promise.resolve("none");
  entry.child.ref(); // the caller waits on it: the host stays alive meanwhile
  return entry.ready.finally(() => {
    if (spare === entry) entry.child.unref();
  });
}

/** Stops the spare (tests; a host shutting down kills it anyway). */
export function stopSpare(): void {
  spare?.child.stop("cancelled");
  spare = null;
}
