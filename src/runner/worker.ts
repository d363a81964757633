import { renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { freemem } from "node:os";
import { join } from "node:path";
import { runInThisContext } from "node:vm";
import { performance } from "node:perf_hooks";
import * as engine from "../engine/index";
import { setObserver } from "../engine/observer";
import { kernelMemoryPrefaulter } from "../engine/kernels/prefault";
import type { RunError, StopInfo } from "../protocol/report";
import { TraceRecorder } from "../trace/recorder";
import { SiteCapture } from "../trace/sites";
import { optimizerConstructionSites, warmUpOptimizerSites } from "../trace/optimizerSites";
import { isStopSignal, StopSignal, type StopPolicy } from "../trace/stop";
import { ENGINE_GLOBAL, REQUIRE_PARAM } from "./bundleNames";
import { BundleSourceMap } from "./sourceMap";
import { ConsoleCapture } from "./consoleCapture";
import { createStopPolicy } from "./stopRule";
import { memoryMessage, pendingMessage, residentDetail } from "./limits";
import { describeThrown, installStackHook } from "./thrown";
import { displayPathFor } from "./paths";
import { exitProcess, post } from "./channel";
import { Descendants } from "./descendants";
import { hasProc } from "./processTree";
import type { ChildMessage, WorkerInput } from "./messages";
import { installKernelThread } from "./kernelThread";
import { ProgressWriter } from "./progressFile";
import { installUninitializedMemory } from "./uninitializedMemory";
import { startEngineWarmUp, warmUpEnabled } from "./engineWarmUp";
import { HEAP_HINT_ENV, heapPrefaultBytes, parseHeapHint } from "./heapHint";
import { heapPrefaulter } from "./heapPrefault";

// The child process (dist/worker.js, started by run.ts, possibly ahead of time): waits for its input
// on stdin, exposes the engine on globalThis for the user's bundle, observes it with a TraceRecorder,
// runs the bundle as the body of an async function, notes the line of the last engine call in its
// spool directory (progressFile.ts), and writes messages on fd 3 (channel.ts): snapshots of the trace,
// and the final trace — at the end of the file, at an early stop, at the soft deadline, or at the
// first error (keeping what was traced).

/** The name V8 gives the user's bundle in stack frames; sites are taken from these frames only. */
const BUNDLE_FILENAME = "gradlens-user-bundle.js";
/** snapshots cost a finalize and a JSON write: at least this far apart, and at most ~10 % of the time */
const SNAPSHOT_EVERY_MS = 1000;

const send = (m: ChildMessage) => post(m);

async function readInput(): Promise<WorkerInput | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  process.stdin.destroy(); // the user's own read of stdin gets end-of-file, never our protocol
  const text = Buffer.concat(chunks).toString("utf8");
  return text.trim() === "" ? null : (JSON.parse(text) as WorkerInput);
}

/**
 * A process the file started and detached from the group (`setsid`, `detached: true`) just before
 * its end may not have been sampled by the host yet: the child knows its own tree.
 */
function killOwnDescendants(): void {
  if (!hasProc) return;
  const own = new Descendants(process.pid);
  own.sample();
  own.killAll();
}

function run(input: WorkerInput): void {
  const started = performance.now();
  process.chdir(input.cwd);
  const displayPath = displayPathFor(input.file, input.cwd);
  const fileSite = { file: displayPath(input.absFile), line: 1, column: 1 };
  const sourceMap = new BundleSourceMap(input.map, input.outDir, displayPath);
  const sites = new SiteCapture(BUNDLE_FILENAME, sourceMap);
  const output = new ConsoleCapture(
    (e) => describeThrown(e, "exception", sites, fileSite),
    (line) => send({ type: "console", line }),
  );
  const memoryLimitBytes = input.memoryMb * 2 ** 20;
  let posted = false;
  const progress = new ProgressWriter(input.spoolDir);

  const rule = createStopPolicy({
    steps: input.steps,
    deadline: input.softDeadline,
    timeoutMs: input.timeoutMs,
    memoryLimitBytes: memoryLimitBytes * 0.9,
    memoryMb: input.memoryMb,
    limitNames: input.limitNames,
  });
  let nextSnapshot = Date.now() + SNAPSHOT_EVERY_MS;
  const policy: StopPolicy = {
    ...rule,
    poll(counts) {
      const now = Date.now();
      if (now >= nextSnapshot && recorder.canSnapshot) {
        const file = writeTrace(recorder.finish(endState({ reason: "error", message: "snapshot" }, null)), "snapshot");
        send({ type: "snapshot", file });
        nextSnapshot = Date.now() + Math.max(SNAPSHOT_EVERY_MS, 10 * (Date.now() - now));
      }
      return rule.poll?.(counts) ?? null;
    },
  };

  // every site the recorder takes is the line of an engine call: it is noted at once (a small sync
  // write), so a kill or a block right after it still names it
  const progressSites: Pick<SiteCapture, "capture" | "captureChain"> = {
    // the caller chain names factory-built models and constructor-made modules (the recorder's own use)
    captureChain: (skip, max) => sites.captureChain(skip, max),
    capture(skip, above, path) {
      const site = sites.capture(skip, above, path);
      if (site !== null) progress.note(site);
      return site;
    },
  };
  const recorder = new TraceRecorder({
    file: input.file,
    sites: progressSites,
    stop: policy,
    onStop: (info) => finish(info, errorForStop(info)),
    optimizerSites: optimizerConstructionSites(input.code, sourceMap),
    repeatsKept: input.repeatsKept,
  });

  /** Written whole, then renamed: a kill mid-write leaves the previous snapshot intact. */
  function writeTrace(trace: unknown, name: string): string {
    const file = join(input.spoolDir, `${name}.json`);
    writeFileSync(`${file}.part`, JSON.stringify(trace));
    renameSync(`${file}.part`, file);
    return file;
  }

  function endState(stopped: StopInfo, error: RunError | null) {
    return { stopped, error, console: output.result(), durationMs: Math.round(performance.now() - started), sourceText: sourceMap };
  }

  function errorForStop(info: StopInfo): RunError | null {
    if (info.reason !== "timeout" && info.reason !== "memory") return null;
    return { kind: info.reason, message: info.message, file: info.file ?? fileSite.file, line: info.line ?? 1, column: info.column ?? 1 };
  }

  function finish(stopped: StopInfo, error: RunError | null): void {
    if (posted) return;
    posted = true;
    send({ type: "finishing" });
    setObserver(null);
    output.restore();
    // the limit covers everything the process held, also between two checks
    const peak = process.resourceUsage().maxRSS * 1024;
    if (error === null && peak > memoryLimitBytes) {
      const at = progress.site ?? fileSite;
      error = { kind: "memory", message: memoryMessage(input.memoryMb, input.limitNames, residentDetail(peak)), ...at };
      stopped = { reason: "memory", message: error.message, ...at };
    }
    send({ type: "done", file: writeTrace(recorder.finish(endState(stopped, error)), "trace") });
    killOwnDescendants();
    exitProcess(0);
  }

  function fail(e: unknown, kind: RunError["kind"]): void {
    if (posted) return;
    if (isStopSignal(e)) return finish(e.info, errorForStop(e.info));
    const error = describeThrown(e, kind, sites, fileSite);
    finish({ reason: "error", message: error.message, file: error.file, line: error.line, column: error.column }, error);
  }

  /**
   * `main().then(() => process.exit(0))` is a normal ending for a Node script. A non-zero code is a
   * failed run, carrying the last error the file printed (`catch (e) { console.error(e); process.exit(1) }`).
   */
  function exitCalled(code: number): never {
    const site = sites.capture() ?? fileSite;
    if (code === 0) {
      finish({ reason: "end-of-file", message: "the file called process.exit(0)", ...site }, null);
    } else {
      const printed = output.lastError;
      const error: RunError = printed ?? { kind: "exception", message: `the file called process.exit(${code})`, ...site };
      const message = printed ? `${printed.message} (printed, then process.exit(${code}))` : error.message;
      finish({ reason: "error", message, file: error.file, line: error.line, column: error.column }, error);
    }
    throw new StopSignal({ reason: "end-of-file", message: "process.exit" });
  }

  (globalThis as Record<string, unknown>)[ENGINE_GLOBAL] = engine;
  installStackHook(sites);
  process.on("unhandledRejection", (e) => fail(e, "rejection"));
  process.on("uncaughtException", (e) => fail(e, "exception"));
  process.exit = ((code?: number | string | null) => exitCalled(Number(code ?? process.exitCode ?? 0) || 0)) as typeof process.exit;
  output.install();
  setObserver(recorder);

  const settled = async (): Promise<void> => {
    // The body has returned, but an un-awaited main(), timers and pending I/O may still train: wait
    // until nothing the file started is pending (or the soft deadline passes).
    for (;;) {
      await new Promise<void>((r) => setImmediate(r));
      if (posted) return;
      if (process.getActiveResourcesInfo().every((r) => r === "PipeWrap" || r === "TTYWrap")) return;
      if (Date.now() > input.softDeadline) {
        const info: StopInfo = { reason: "timeout", message: pendingMessage(input.timeoutMs, input.limitNames) };
        if (progress.site !== null) Object.assign(info, progress.site);
        return finish(info, errorForStop(info));
      }
      await new Promise<void>((r) => setTimeout(r, 5));
    }
  };

  void (async () => {
    try {
      // line 1 is the wrapper's; lineOffset keeps V8's line numbers equal to the bundle's
      const body = `(async function (${REQUIRE_PARAM}) {\n${input.code}\n})`;
      const fn = runInThisContext(body, { filename: BUNDLE_FILENAME, lineOffset: -1 }) as (req: NodeJS.Require) => Promise<void>;
      await fn(createRequire(input.absFile));
    } catch (e) {
      return fail(e, "exception");
    }
    await settled();
    if (!posted) finish({ reason: "end-of-file", message: "the file ran to its end" }, null);
  })();
}

/**
 * The kernels' wasm memory a waiting child touches in advance (prefault.ts): its fixed areas (~12 MB
 * with the helper thread) and the scratch of a mid-size CNN's largest conv (ResNet-18's peaks at 25 MB).
 */
const PREFAULT_KERNEL_MEMORY_BYTES = 32 << 20;

/** Touches the kernels' memory a chunk at a time, until done or until the input arrives. */
function prefaultWhileWaiting(): Promise<void> {
  return new Promise((done) => {
    let touch: (() => boolean) | null = null;
    const chunk = (): void => {
      if (inputArrived) return done();
      touch ??= kernelMemoryPrefaulter(PREFAULT_KERNEL_MEMORY_BYTES);
      if (touch()) setImmediate(chunk);
      else done();
    };
    setImmediate(chunk);
  });
}

/**
 * Faults in the malloc memory the host's hint says the check will need (heapHint.ts, heapPrefault.ts)
 * a block at a time, until done or until the input arrives; done, the memory is freed back to
 * malloc, resident. The baseline is this child's own size now, once everything else is touched.
 */
function prefaultHeapWhileWaiting(): Promise<void> {
  const hint = parseHeapHint(process.env[HEAP_HINT_ENV]);
  if (hint === null) return Promise.resolve();
  const bytes = heapPrefaultBytes({ ...hint, baselineRssBytes: process.memoryUsage.rss(), freeMemBytes: freemem() });
  if (bytes === 0) return Promise.resolve();
  const heap = heapPrefaulter(bytes);
  return new Promise((done) => {
    const chunk = (): void => {
      if (inputArrived) {
        heap.release(false);
        return done();
      }
      if (heap.next()) return void setImmediate(chunk);
      heap.release(true);
      done();
    };
    setImmediate(chunk);
  });
}

installKernelThread();
installUninitializedMemory();
warmUpOptimizerSites(); // a pre-started child does it while it waits; the check's own parse is then ~100× faster
// while it waits, the child rehearses the engine (engineWarmUp.ts), then takes its kernel memory's
// page faults, then those of the malloc memory the check will need; the input stops each between two chunks
const warmUp = warmUpEnabled() ? startEngineWarmUp() : null;
let inputArrived = false;
void (warmUp?.finished ?? Promise.resolve(null)).then(async (r) => {
  await prefaultWhileWaiting();
  await prefaultHeapWhileWaiting();
  if (!inputArrived) send({ type: "ready", rehearsal: r === null ? "off" : r.completed ? "completed" : "failed" });
});
void readInput().then(
  (input) => {
    inputArrived = true;
    warmUp?.stop();
    return input === null ? exitProcess(0) : run(input);
  },
  () => exitProcess(64),
);
