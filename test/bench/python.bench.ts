// Benchmarks of the PyTorch backend, in the user's Python with torch (GRADLENS_PYTHON, else the
// first of /usr/bin/python3, python3, python that imports torch):
// 1. the tracer's own cost on the article's chain example: the traced run minus the plain
//    `python script.py` run (both import torch), target ≤ 1 s;
// 2. the tracing overhead on the MLP 784-512-512-10 step: the step's median time under the tracer
//    over the plain one, target ≤ 2×.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { API_LIMIT_NAMES } from "../../src/runner/limits";
import { tracerConfig } from "../../src/runner/python/runPython";

type Result = { name: string; value: number; unit: string; target: string };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const TRACER = resolve("src/runner/python/gradlens_tracer.py");

function findTorchPython(): string | null {
  const given = process.env.GRADLENS_PYTHON;
  if (given) return given;
  return ["/usr/bin/python3", "python3", "python"].find((p) => spawnSync(p, ["-c", "import torch"], { stdio: "ignore" }).status === 0) ?? null;
}

export function benchPython(): Result[] {
  const python = findTorchPython();
  if (python === null) {
    process.stderr.write("python bench: no Python with torch found (set GRADLENS_PYTHON); skipped\n");
    return [];
  }
  const work = mkdtempSync(join(tmpdir(), "gradlens-pybench-"));
  try {
    // the config runPython writes, with limits no bench run reaches
    const traced = (script: string) => {
      const config = join(work, "config.json");
      const options = { file: resolve(script), cwd: process.cwd(), steps: 1000, timeoutMs: 600_000, memoryMb: 8192, limitNames: API_LIMIT_NAMES };
      writeFileSync(config, JSON.stringify(tracerConfig(options)));
      return [TRACER, join(work, "trace.json"), config, resolve(script)];
    };
    const wall = (args: string[]) => {
      const t0 = performance.now();
      execFileSync(python, args, { stdio: "pipe" });
      return performance.now() - t0;
    };
    const example = "examples/python/chain-detach.py";
    const plain: number[] = [], withTracer: number[] = [];
    for (let i = 0; i < 4; i++) {
      plain.push(wall([resolve(example)]));
      withTracer.push(wall(traced(example)));
    }
    const step = (args: string[]) => Number(/ms_per_step=([\d.]+)/.exec(execFileSync(python, args, { encoding: "utf8" }))![1]);
    const mlp = "test/bench/python/mlp_step.py";
    const plainStep = median([0, 1, 2].map(() => step([resolve(mlp)])));
    const tracedStep = median([0, 1, 2].map(() => step(traced(mlp))));
    return [
      {
        name: "PyTorch backend: the tracer's own cost on the article example (traced − plain `python`)",
        value: Math.max(0, median(withTracer.slice(1)) - median(plain.slice(1))),
        unit: "ms",
        target: "≤ 1000 ms",
      },
      { name: "PyTorch backend: tracing overhead on the MLP 784-512-512-10 step", value: tracedStep / plainStep, unit: "×", target: "≤ 2×" },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
