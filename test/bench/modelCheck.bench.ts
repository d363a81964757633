// Check time of real-size models (issue 19): `gradlens check` of test/bench/models/*.ts as the extension
// runs it (warm: esbuild warm, and the pre-started child process ready — started and done with its
// engine rehearsal, as an editor's checks seconds apart find it; back to back, the next check would
// wait for the child's start), i.e. bundling, the model's construction and its first training step
// (the check runs until the second optimizer step), tracing and analysis. Median of 5 runs after one
// warm-up run; the wall time and the check process's own duration; then the same check with its child
// on one thread (GRADLENS_THREADS=1), for the two-thread GEMMs' share.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { runCheck } from "../../src/runner/check";
import { prestartWorker } from "../../src/runner/run";
import { spareReady, stopSpare } from "../../src/runner/spare";

type Result = { name: string; value: number; unit: string; target: string; pass?: boolean | null };

export const MODEL_CHECKS = [
  { file: "test/bench/models/resnet18.ts", name: "ResNet-18 (CIFAR variant, 11.2 M parameters) on 32×32, batch 8, SGD", maxMs: 1500 },
  { file: "test/bench/models/transformerEncoder.ts", name: "2-layer nn.TransformerEncoder (d 128, 4 heads, ff 512, GELU) on 16×32 tokens, AdamW", maxMs: 500 },
] as const;

/** warm checks per row: the same check varies by ±20 % minutes apart on a VM, and a median of 3 followed it */
const RUNS = 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs `fn` with the checks' children on one thread (a waiting spare keeps the environment it was started with). */
async function withOneThread<T>(fn: () => Promise<T>): Promise<T> {
  process.env.GRADLENS_THREADS = "1";
  stopSpare();
  try {
    return await fn();
  } finally {
    delete process.env.GRADLENS_THREADS;
    stopSpare();
  }
}

export async function benchModelChecks(workerPath = join(process.cwd(), "dist", "worker.js")): Promise<Result[]> {
  if (!existsSync(workerPath)) {
    return [{ name: `model checks: no worker at ${workerPath} (build the bench entry first)`, value: Number.NaN, unit: "", target: "", pass: false }];
  }
  const rows: Result[] = [];
  for (const model of MODEL_CHECKS) {
    // a generous limit: the row reports the time, it must not turn a slow run into a timeout
    const options = { workerPath, timeoutMs: 120_000 };
    const first = await runCheck(model.file, options);
    if (first.stopped.reason !== "step-budget") {
      rows.push({ name: `gradlens check ${model.name}: stopped by ${first.stopped.reason} (${first.stopped.message})`, value: Number.NaN, unit: "ms", target: `≤ ${model.maxMs} ms`, pass: false });
      continue;
    }
    const timed = async () => {
      const wall: number[] = [], run: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        prestartWorker(workerPath);
        await spareReady();
        const start = performance.now();
        const report = await runCheck(model.file, options);
        wall.push(performance.now() - start);
        run.push(report.durationMs);
      }
      return { wall: Math.round(median(wall)), run: Math.round(median(run)) };
    };
    const t = await timed();
    rows.push({ name: `gradlens check (warm: child ready) of ${model.name}`, value: t.wall, unit: "ms", target: `≤ ${model.maxMs} ms` });
    rows.push({ name: `  of which the model's run in the check process`, value: t.run, unit: "ms", target: "info", pass: null });
    if (process.env.GRADLENS_THREADS !== "1") {
      const one = await withOneThread(async () => {
        await runCheck(model.file, options); // warm
        return timed();
      });
      rows.push({ name: `  the same check with its child on one thread (GRADLENS_THREADS=1)`, value: one.wall, unit: "ms", target: "info", pass: null });
    }
  }
  return rows;
}
