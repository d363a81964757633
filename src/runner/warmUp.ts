import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Report } from "../protocol/report";
import { runCheck } from "./check";
import { DEFAULTS, defaultWorkerPath, prestartWorker } from "./run";

// What the first check after a host (the editor's extension host) starts would otherwise do on its
// own path: start the child process (Node's start and the engine's load), and run, once, a rehearsal
// check of a tiny model through the whole path — the bundler's first build, reading and validating a
// real trace, the analysis. The host compiles its functions lazily, at their first call: measured in
// code-server, a first check spent ~1 s more than a later one of the same file in exactly those
// phases, which an empty trace did not warm. Cheap to repeat: a waiting child started the same way is
// kept, and the rehearsal runs once.

export interface WarmUpOptions {
  workerPath?: string;
  /** the memory limit the checks will run with (part of how their child is started) */
  memoryMb?: number;
}

/** a model that exercises the check's path: a module, an optimizer, a backward and a step */
const REHEARSAL_MODEL = [
  'import { nn, optim, randn } from "gradlens";',
  "const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));",
  "const opt = new optim.SGD(model.parameters(), { lr: 0.1 });",
  "for (let i = 0; i < 2; i++) {",
  "  opt.zeroGrad();",
  "  model.forward(randn(3, 4).detach()).sum().backward();",
  "  opt.step();",
  "}",
  "",
].join("\n");

let rehearsal: Promise<Report | null> | null = null;

/** Starts the checks' child; the first call also rehearses a check. Resolves to the rehearsal's report (null: it could not run). */
export function warmUpRunner(options: WarmUpOptions = {}): Promise<Report | null> {
  const workerPath = options.workerPath ?? defaultWorkerPath();
  const memoryMb = options.memoryMb ?? DEFAULTS.memoryMb;
  prestartWorker(workerPath, memoryMb);
  rehearsal ??= rehearse(workerPath, memoryMb);
  return rehearsal;
}

async function rehearse(workerPath: string, memoryMb: number): Promise<Report | null> {
  const dir = mkdtempSync(join(tmpdir(), "gradlens-warm-up-"));
  try {
    const file = join(dir, "warm-up.ts");
    writeFileSync(file, REHEARSAL_MODEL);
    // the same child options as the checks', so the spare it leaves behind is theirs
    return await runCheck(file, { workerPath, memoryMb, cwd: dir, steps: 1, timeoutMs: 30_000 });
  } catch {
    return null; // a rehearsal that fails (a broken install) leaves the real check to report it
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
