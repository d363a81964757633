import { parentPort, workerData } from "node:worker_threads";
import { createRequire } from "node:module";
import { runInThisContext } from "node:vm";
import { performance } from "node:perf_hooks";
import * as engine from "../engine/index";
import { setObserver } from "../engine/observer";
import type { RunError, StopInfo } from "../protocol/report";
import { TraceRecorder } from "../trace/recorder";
import { SiteCapture } from "../trace/sites";
import { optimizerConstructionLines } from "../trace/optimizerSites";
import { isStopSignal, StopSignal } from "../trace/stop";
import { ENGINE_GLOBAL, REQUIRE_PARAM } from "./bundleNames";
import { BundleSourceMap } from "./sourceMap";
import { ConsoleCapture } from "./consoleCapture";
import { createStopPolicy } from "./stopRule";
import { describeThrown, installStackHook } from "./thrown";
import { displayPathFor } from "./paths";
import type { WorkerInput, WorkerMessage } from "./messages";

// The worker: exposes the engine on globalThis for the user's bundle, observes it with a
// TraceRecorder, runs the bundle as the body of an async function, and posts one Trace back —
// at the end of the file, at an early stop, or at the first error (keeping what was traced).

/** The name V8 gives the user's bundle in stack frames; sites are taken from these frames only. */
const BUNDLE_FILENAME = "gradlens-user-bundle.js";

const input = workerData as WorkerInput;
const started = performance.now();
const displayPath = displayPathFor(input.file, input.cwd);
const fileSite = { file: displayPath(input.absFile), line: 1, column: 1 };
const sourceMap = new BundleSourceMap(input.map, input.outDir, displayPath);
const sites = new SiteCapture(BUNDLE_FILENAME, sourceMap);
const output = new ConsoleCapture();
let posted = false;

const recorder = new TraceRecorder({
  file: input.file,
  sites,
  stop: createStopPolicy({
    steps: input.steps,
    deadline: input.deadline,
    timeoutMs: input.timeoutMs,
    memoryLimitBytes: input.memoryMb * 0.9 * 2 ** 20,
    memoryMb: input.memoryMb,
  }),
  onStop: (info) => finish(info, errorForStop(info)),
  optimizerSites: sourceMap.userFiles().flatMap(([file, lines]) => optimizerConstructionLines(lines).map((line) => ({ file, line }))),
});

function errorForStop(info: StopInfo): RunError | null {
  if (info.reason !== "timeout" && info.reason !== "memory") return null;
  return { kind: info.reason, message: info.message, file: info.file ?? fileSite.file, line: info.line ?? 1, column: info.column ?? 1 };
}

function finish(stopped: StopInfo, error: RunError | null): void {
  if (posted) return;
  posted = true;
  setObserver(null);
  output.restore();
  const trace = recorder.finish({
    stopped,
    error,
    console: output.result(),
    durationMs: Math.round(performance.now() - started),
    sourceText: sourceMap,
  });
  const message: WorkerMessage = { type: "done", trace };
  parentPort!.postMessage(message);
}

function fail(e: unknown, kind: RunError["kind"]): void {
  if (posted) return;
  if (isStopSignal(e)) return finish(e.info, errorForStop(e.info));
  const error = describeThrown(e, kind, sites, fileSite);
  finish({ reason: "error", message: error.message, file: error.file, line: error.line, column: error.column }, error);
}

async function main(): Promise<void> {
  (globalThis as Record<string, unknown>)[ENGINE_GLOBAL] = engine;
  installStackHook(sites);
  process.on("unhandledRejection", (e) => fail(e, "rejection"));
  process.on("uncaughtException", (e) => fail(e, "exception"));
  // `main().then(() => process.exit(0))` is a normal ending for a Node script: judge the run there
  process.exit = ((code?: number) => {
    const info: StopInfo = { reason: "end-of-file", message: `the file called process.exit(${code ?? ""})` };
    const site = sites.capture();
    if (site !== null) Object.assign(info, site);
    finish(info, null);
    throw new StopSignal(info);
  }) as typeof process.exit;
  output.install();
  setObserver(recorder);
  try {
    // line 1 is the wrapper's; lineOffset keeps V8's line numbers equal to the bundle's
    const body = `(async function (${REQUIRE_PARAM}) {\n${input.code}\n})`;
    const run = runInThisContext(body, { filename: BUNDLE_FILENAME, lineOffset: -1 }) as (req: NodeJS.Require) => Promise<void>;
    await run(createRequire(input.absFile));
  } catch (e) {
    return fail(e, "exception");
  }
  await settled();
  if (!posted) finish({ reason: "end-of-file", message: "the file ran to its end" }, null);
}

/**
 * The body has returned, but `main()` called without await, timers and pending I/O may still train:
 * wait until nothing the file started is pending (or the deadline passes).
 */
async function settled(): Promise<void> {
  for (;;) {
    await new Promise<void>((r) => setImmediate(r));
    if (posted) return;
    if (process.getActiveResourcesInfo().length === 0) return;
    if (Date.now() > input.deadline) {
      const info: StopInfo = { reason: "timeout", message: `the file's timers or callbacks were still pending after ${input.timeoutMs / 1000} s (--timeout)` };
      return finish(info, errorForStop(info));
    }
    await new Promise<void>((r) => setTimeout(r, 5));
  }
}

void main();
