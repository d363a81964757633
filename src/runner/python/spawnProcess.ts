import { spawn } from "node:child_process";

// Runs one child in its own process group so that a timeout or a cancellation ends all of it
// (DataLoader workers included), keeping only the tail of its output.

export interface SpawnOptions {
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** the child (and its group) is killed this many ms after the start */
  killAfterMs: number;
  signal?: AbortSignal;
  /** characters of combined stdout+stderr kept (the last ones) */
  maxOutputChars?: number;
}

export type SpawnOutcome =
  | { kind: "exited"; code: number | null; signal: NodeJS.Signals | null; output: string }
  | { kind: "timeout"; output: string }
  | { kind: "cancelled"; output: string }
  | { kind: "spawn-error"; message: string; code: string | undefined; output: string };

const DEFAULT_TAIL = 256 * 1024;

export function spawnProcess(command: string, options: SpawnOptions): Promise<SpawnOutcome> {
  const max = options.maxOutputChars ?? DEFAULT_TAIL;
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 2 * max) output = output.slice(-max);
  };
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve({ kind: "cancelled", output: "" });
    const child = spawn(command, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: process.platform !== "win32",
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    let done = false;
    const finish = (outcome: SpawnOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      outcome.output = output.length > max ? output.slice(-max) : output;
      resolve(outcome);
    };
    const killGroup = () => {
      try {
        if (child.pid !== undefined && process.platform !== "win32") process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      killGroup();
      finish({ kind: "timeout", output: "" });
    }, options.killAfterMs);
    const onAbort = () => {
      killGroup();
      finish({ kind: "cancelled", output: "" });
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    child.on("error", (e: Error & { code?: string }) => finish({ kind: "spawn-error", message: e.message, code: e.code, output: "" }));
    child.on("close", (code, signal) => {
      // the script's own children (DataLoader workers) must not outlive the check
      killGroup();
      finish({ kind: "exited", code, signal, output: "" });
    });
  });
}
