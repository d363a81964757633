import { spawn, type ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { OutputTail } from "./outputTail";
import { Descendants } from "./descendants";
import { hasProc } from "./processTree";

// A child process that cannot take its host down, for any backend (the engine's Node child, a Python
// child). It runs in its own process group, so a stop kills it and everything it started (also what
// left the group, see descendants.ts); a deadline,
// an AbortSignal and a resident-memory watchdog stop it whatever it is blocked in; its stdout and
// stderr stream into a bounded tail; it talks to the host by newline-delimited JSON written to fd 3
// (sync writes survive a later kill), and reads its input from stdin, which is then closed.

export type StopCause = "timeout" | "memory" | "cancelled" | "protocol";

export interface ChildOutcome {
  /** exit code, or null when ended by a signal */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** why the host stopped it, or null when it ended by itself */
  stoppedBy: StopCause | null;
  /** stdout and stderr, interleaved as they arrived, last 64 KB */
  output: OutputTail;
  /** highest resident size seen by the watchdog (process tree), bytes */
  peakRssBytes: number;
  /** the tree's resident size when the limits started (a spare's, as it took its input), bytes; 0 unknown */
  startRssBytes: number;
  /** the process could not be started */
  spawnError: string | null;
}

export interface LimitedChildOptions {
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** each JSON value the child writes as one line on fd 3 */
  onMessage?: (message: unknown) => void;
  /** a message line longer than this stops the child ("protocol"); default 1 GB */
  maxMessageChars?: number;
}

export interface Limits {
  /** Date.now() at which the child is killed ("timeout") */
  deadline?: number;
  /** resident memory of the process tree, MB; checked every `pollMs` ("memory") */
  memoryMb?: number;
  signal?: AbortSignal;
  pollMs?: number;
  /** false: no resident-size watchdog in the host, as on a platform without /proc (tests) */
  memoryWatchdog?: boolean;
}

const live = new Set<LimitedChild>();
let exitHookInstalled = false;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    if (process.platform === "win32") process.kill(pid, "SIGKILL");
    else process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export class LimitedChild {
  readonly exited: Promise<ChildOutcome>;
  private readonly proc: ChildProcess;
  private readonly output = new OutputTail();
  private stoppedBy: StopCause | null = null;
  private peakRssBytes = 0;
  private startRssBytes = 0;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private signal: AbortSignal | undefined;
  /** what the child started, sampled while it runs (Linux); null elsewhere */
  private readonly descendants: Descendants | null;
  private readonly onAbort = () => this.stop("cancelled");
  private ended = false;

  constructor(private readonly options: LimitedChildOptions) {
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on("exit", () => live.forEach((c) => c.stop("cancelled")));
    }
    this.proc = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: process.platform !== "win32", // its own process group
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      windowsHide: true,
    });
    live.add(this);
    this.descendants = hasProc && this.proc.pid !== undefined ? new Descendants(this.proc.pid) : null;
    const onText = (d: Buffer) => this.output.push(d.toString("utf8"));
    this.proc.stdout?.on("data", onText);
    this.proc.stderr?.on("data", onText);
    this.proc.stdin?.on("error", () => {}); // EPIPE when it died before reading
    this.readMessages(this.proc.stdio[3] as Readable | null);
    this.exited = new Promise<ChildOutcome>((resolve) => {
      let spawnError: string | null = null;
      this.proc.once("error", (e) => {
        spawnError = e.message;
        if (this.proc.pid === undefined) finish(null, null);
      });
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.ended) return;
        this.ended = true;
        this.killAll();
        this.clearLimits();
        live.delete(this);
        resolve({ code, signal, stoppedBy: this.stoppedBy, output: this.output, peakRssBytes: this.peakRssBytes, startRssBytes: this.startRssBytes, spawnError });
      };
      // what the model started dies with it, even if it holds our pipes open
      this.proc.once("exit", () => this.killAll());
      // "close" waits for stdio to drain, so the last fd-3 message has been handled
      this.proc.once("close", (code, signal) => finish(code, signal));
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return !this.ended && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Writes the child's input to its stdin and closes it (a later read of stdin gets end-of-file). */
  send(input: string): void {
    const stdin = this.proc.stdin as Writable | null;
    stdin?.end(input);
  }

  /** Starts enforcing limits (a pre-started child has none while it waits). */
  limit(limits: Limits): void {
    if (limits.deadline !== undefined) this.setDeadline(limits.deadline);
    if (limits.signal !== undefined) {
      this.signal = limits.signal;
      if (limits.signal.aborted) this.stop("cancelled");
      else limits.signal.addEventListener("abort", this.onAbort, { once: true });
    }
    const descendants = this.descendants;
    if (descendants !== null) {
      this.startRssBytes = this.peakRssBytes = descendants.sample();
      const max = limits.memoryMb !== undefined && limits.memoryWatchdog !== false ? limits.memoryMb * 2 ** 20 : Infinity;
      this.watchdog = setInterval(() => {
        const rss = descendants.sample();
        if (rss > this.peakRssBytes) this.peakRssBytes = rss;
        if (rss > max) this.stop("memory");
      }, limits.pollMs ?? 25);
    }
  }

  /** Moves the deadline (the runner gives a child that is already writing its result a moment more). */
  setDeadline(deadline: number): void {
    clearTimeout(this.deadlineTimer);
    // a Node timer fires at once past 2^31 − 1 ms: wait in steps
    const delay = Math.max(0, deadline - Date.now());
    const step = Math.min(delay, 2 ** 31 - 1);
    this.deadlineTimer = setTimeout(() => (step < delay ? this.setDeadline(deadline) : this.stop("timeout")), step);
  }

  /** Kills the process group now; the first cause given is the one reported. */
  stop(cause: StopCause): void {
    if (this.ended) return;
    this.stoppedBy ??= cause;
    this.descendants?.sample(); // the child is still alive: its tree is complete now
    this.killAll();
  }

  private killAll(): void {
    killGroup(this.proc.pid);
    this.descendants?.killAll();
  }

  /** A waiting spare must not keep the host's event loop alive. */
  unref(): void {
    this.proc.unref();
    for (const s of this.proc.stdio) (s as { unref?: () => void } | null)?.unref?.();
  }

  ref(): void {
    this.proc.ref();
    for (const s of this.proc.stdio) (s as { ref?: () => void } | null)?.ref?.();
  }

  private clearLimits(): void {
    clearTimeout(this.deadlineTimer);
    clearInterval(this.watchdog);
    this.signal?.removeEventListener("abort", this.onAbort);
  }

  private readMessages(stream: Readable | null): void {
    if (stream === null) return;
    const max = this.options.maxMessageChars ?? 2 ** 30;
    let pending: string[] = [];
    let pendingChars = 0;
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      let start = 0;
      for (let nl = chunk.indexOf("\n"); nl >= 0; nl = chunk.indexOf("\n", start)) {
        pending.push(chunk.slice(start, nl));
        const line = pending.join("");
        pending = [];
        pendingChars = 0;
        start = nl + 1;
        this.deliver(line);
      }
      if (start < chunk.length) {
        pending.push(chunk.slice(start));
        pendingChars += chunk.length - start;
        if (pendingChars > max) {
          pending = [];
          pendingChars = 0;
          this.stop("protocol");
        }
      }
    });
    stream.on("error", () => {});
  }

  private deliver(line: string): void {
    if (line.trim() === "") return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return this.stop("protocol");
    }
    this.options.onMessage?.(message);
  }
}
