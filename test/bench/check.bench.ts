// Latency of a warm gradient-flow check, as the extension host runs it: the process is up, esbuild
// is warm, each check bundles the file, runs it in a child process (dist/worker.js, pre-started and
// ready: started and done with its engine rehearsal, as an editor's checks seconds apart find it) and
// analyses the trace. Median of 3 runs per example after one warm-up run.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { runCheck } from "../../src/runner/check";
import { prestartWorker } from "../../src/runner/run";
import { spareReady } from "../../src/runner/spare";

type Result = { name: string; value: number; unit: string; target: string };

export const ARTICLE_EXAMPLES = [
  "branch-detach", "chain-detach", "frozen-middle", "no-grad-middle", "eval-no-grad", "optimizer-subset",
  "lr-zero-groups", "gan", "gan-no-detach", "frozen-backbone", "long-training",
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchWarmCheck(workerPath = join(process.cwd(), "dist", "worker.js")): Promise<Result[]> {
  if (!existsSync(workerPath)) {
    return [{ name: `warm check: no worker at ${workerPath} (build the bench entry first)`, value: Number.NaN, unit: "", target: "< 300 ms" }];
  }
  const times: Array<[string, number]> = [];
  for (const name of ARTICLE_EXAMPLES) {
    const file = `examples/${name}.ts`;
    if (!existsSync(file)) continue;
    await runCheck(file, { workerPath });
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      prestartWorker(workerPath);
      await spareReady();
      const start = performance.now();
      await runCheck(file, { workerPath });
      runs.push(performance.now() - start);
    }
    times.push([file, median(runs)]);
  }
  if (times.length === 0) return [];
  const slowest = times.reduce((a, b) => (b[1] > a[1] ? b : a));
  return [
    { name: `gradlens check, warm (pre-started child process, ready), median over ${times.length} examples`, value: Math.round(median(times.map((t) => t[1]))), unit: "ms", target: "< 300 ms" },
    { name: `gradlens check, warm (child ready), slowest example (${slowest[0]})`, value: Math.round(slowest[1]), unit: "ms", target: "< 300 ms" },
  ];
}

/** Analysis alone of a 5,000-parameter, 2,500-module trace (it runs on the host's thread after each check). */
export async function benchLargeAnalysis(): Promise<Result[]> {
  const { analyze } = await import("../../src/analysis/index");
  const { sequentialOfLinears } = await import("../analysis/largeTrace");
  const trace = sequentialOfLinears(2500);
  analyze(trace);
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    analyze(trace);
    runs.push(performance.now() - start);
  }
  return [{ name: "analysis of 5,000 parameter tensors in 2,500 modules, median of 3", value: Math.round(median(runs)), unit: "ms", target: "< 1000 ms" }];
}
