// Benchmark of the matmul kernels (issue "Performance"):
//  - GFLOP/s of our matmul at 512×512×512 float32 for NN / TN / NT / TT, JS and wasm backends;
//  - the same shapes on TensorFlow.js (cpu backend and wasm backend, loaded from
//    node_modules/@tensorflow/tfjs-backend-wasm/dist on disk — nothing is downloaded);
//  - transpose slowdown ratios (target ≤ 1.5×) and the matmuls of one MLP training step
//    (784-512-512-10, batch 64);
//  - the same product on two threads (the helper thread a check's child starts), and the two-thread
//    speed-up at n³ for a few n, measured alternately with one thread: where splitting starts to pay
//    (src/engine/kernels/threads.ts DEFAULT_THREAD_MIN_FLOPS). GRADLENS_THREADS=1 skips them.
// Reports the best of several warm runs. Run from the repository root.
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { performance } from "node:perf_hooks";
import {
  getKernelBackend,
  getWasmVariant,
  helperThreadStats,
  isWasmAvailable,
  matmulInto,
  setKernelBackend,
  setThreadMinFlops,
  useHelperThread,
} from "../../src/engine/kernels/matmul";
import { DEFAULT_THREAD_MIN_FLOPS } from "../../src/engine/kernels/threads";
import { startKernelThread } from "../../src/runner/kernelThread";

type Row = { name: string; value: number; unit: string; target: string };

const N = 512;
const FLOP = 2 * N * N * N;

function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}

/**
 * Best (minimum) wall time (ms) of `runs` calls after `warmup` calls, stopping early after
 * `budgetMs`. The minimum, not the median: on a shared machine other processes only ever make
 * a run slower, so the fastest run is the best estimate of what the kernel can do.
 */
function timeIt(fn: () => void, warmup: number, runs: number, budgetMs = 4000): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
    if (performance.now() - start > budgetMs && times.length >= 3) break;
  }
  return Math.min(...times);
}

const gflops = (ms: number, flop = FLOP) => Number((flop / ms / 1e6).toFixed(2));
const VARIANTS = [
  ["NN", false, false],
  ["TN", true, false],
  ["NT", false, true],
  ["TT", true, true],
] as const;

function benchOurs(rows: Row[], backend: "js" | "wasm"): Record<string, number> {
  setKernelBackend(backend);
  const a = rand(N * N, 1);
  const b = rand(N * N, 2);
  const out = new Float32Array(N * N);
  const label = backend === "wasm" ? `wasm-${getWasmVariant()}` : "js";
  const res: Record<string, number> = {};
  for (const [name, tA, tB] of VARIANTS) {
    const ms = timeIt(() => matmulInto(a, b, out, N, N, N, tA, tB), backend === "wasm" ? 10 : 2, backend === "wasm" ? 30 : 7);
    res[name] = gflops(ms);
    rows.push({
      name: `gradlens matmul ${label} f32 512³ ${name}`,
      value: res[name]!,
      unit: "GFLOP/s",
      target: backend === "wasm" ? "≥ 40 GFLOP/s" : "fallback (info)",
    });
  }
  for (const name of ["TN", "NT", "TT"]) {
    rows.push({
      name: `gradlens matmul ${label} ${name} slowdown vs NN`,
      value: Number((res.NN! / res[name]!).toFixed(3)),
      unit: "×",
      target: "≤ 1.5×",
    });
  }
  return res;
}

function benchOursF64(rows: Row[]): void {
  setKernelBackend("wasm");
  const a = Float64Array.from(rand(N * N, 3));
  const b = Float64Array.from(rand(N * N, 4));
  const out = new Float64Array(N * N);
  const ms = timeIt(() => matmulInto(a, b, out, N, N, N, false, false), 5, 15);
  rows.push({ name: `gradlens matmul wasm-${getWasmVariant()} f64 512³ NN`, value: gflops(ms), unit: "GFLOP/s", target: "info" });
}

/** The eight matmuls of one training step of a 784-512-512-10 MLP at batch 64. */
function benchMlpStep(rows: Row[], backend: "js" | "wasm"): void {
  setKernelBackend(backend);
  const B = 64;
  const dims = [784, 512, 512, 10];
  const x = rand(B * 784, 5);
  const W = dims.slice(1).map((o, l) => rand(o * dims[l]!, 10 + l)); // torch layout [out, in]
  const acts = dims.map((d) => new Float32Array(B * d));
  acts[0]!.set(x);
  const grads = dims.map((d) => new Float32Array(B * d));
  const dW = W.map((w) => new Float32Array(w.length));
  let flop = 0;
  for (let l = 0; l < 3; l++) flop += 2 * B * dims[l]! * dims[l + 1]! * (l === 0 ? 2 : 3);
  const step = () => {
    for (let l = 0; l < 3; l++) {
      // y = x · Wᵀ
      matmulInto(acts[l]!, W[l]!, acts[l + 1]!, B, dims[l]!, dims[l + 1]!, false, true);
    }
    for (let l = 2; l >= 0; l--) {
      const g = grads[l + 1]!;
      // dW = gᵀ · x   ([out, B] · [B, in])
      matmulInto(g, acts[l]!, dW[l]!, dims[l + 1]!, B, dims[l]!, true, false);
      // dx = g · W    ([B, out] · [out, in])
      if (l > 0) matmulInto(g, W[l]!, grads[l]!, B, dims[l + 1]!, dims[l]!, false, false);
    }
  };
  grads[3]!.set(rand(B * 10, 99));
  const ms = timeIt(step, backend === "wasm" ? 20 : 3, backend === "wasm" ? 50 : 10);
  const label = backend === "wasm" ? `wasm-${getWasmVariant()}` : "js";
  rows.push({
    name: `MLP 784-512-512-10 batch 64: matmuls of one training step (${label}, ${(flop / 1e6).toFixed(0)} MFLOP)`,
    value: Number(ms.toFixed(3)),
    unit: "ms",
    target: "whole step ≤ 20 ms",
  });
}

async function benchTfjs(rows: Row[], ours: Record<string, number> | null): Promise<void> {
  let tf: typeof import("@tensorflow/tfjs");
  let tfwasm: typeof import("@tensorflow/tfjs-backend-wasm");
  try {
    tf = await import("@tensorflow/tfjs");
    tfwasm = await import("@tensorflow/tfjs-backend-wasm");
  } catch (e) {
    rows.push({ name: `tfjs not loadable: ${String(e)}`, value: Number.NaN, unit: "", target: "info" });
    return;
  }
  const req = createRequire(join(process.cwd(), "package.json"));
  const dist = join(dirname(req.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + sep;
  tfwasm.setWasmPaths(dist); // a file path: in Node the .wasm files are read from disk
  for (const backend of ["cpu", "wasm"] as const) {
    const ok = await tf.setBackend(backend);
    await tf.ready();
    if (!ok) {
      rows.push({ name: `tfjs ${backend} backend unavailable`, value: Number.NaN, unit: "", target: "info" });
      continue;
    }
    const a = tf.tensor2d(rand(N * N, 1), [N, N]);
    const b = tf.tensor2d(rand(N * N, 2), [N, N]);
    const res: Record<string, number> = {};
    for (const [name, tA, tB] of VARIANTS.slice(0, 3)) {
      const run = () => {
        const c = tf.matMul(a, b, tA, tB);
        c.dataSync();
        c.dispose();
      };
      const ms = backend === "cpu" ? timeIt(run, 1, 3, 3000) : timeIt(run, 3, 15, 4000);
      res[name] = gflops(ms);
      const threads = backend === "wasm" ? `, ${tfwasm.getThreadsCount()} thread(s)` : "";
      rows.push({ name: `tfjs ${backend} f32 512³ ${name}${threads}`, value: res[name]!, unit: "GFLOP/s", target: "peer" });
      if (ours?.[name]) {
        rows.push({
          name: `gradlens wasm / tfjs ${backend} speed ratio ${name}`,
          value: Number((ours[name]! / res[name]!).toFixed(2)),
          unit: "×",
          target: backend === "wasm" ? "≥ 1 (as fast as the peer)" : "info",
        });
      }
    }
    a.dispose();
    b.dispose();
  }
}

/**
 * Runs `fn` with the kernels' helper thread (started as a check's child starts it), or returns null
 * when GRADLENS_THREADS=1 or the thread does not come up. One thread again afterwards.
 */
export async function withHelperThread<T>(fn: () => T | Promise<T>): Promise<T | null> {
  if (process.env.GRADLENS_THREADS === "1") return null;
  useHelperThread(startKernelThread);
  try {
    const until = Date.now() + 10_000;
    while (!helperThreadStats()?.running) {
      if (Date.now() > until) return null;
      await new Promise((r) => setTimeout(r, 10));
    }
    return await fn();
  } finally {
    useHelperThread(null);
  }
}

/** 512³ on two threads, and the two-thread speed-up at n³ (alternating rounds: load hits both alike). */
async function benchTwoThreads(rows: Row[]): Promise<void> {
  const done = await withHelperThread(() => {
    const a = rand(N * N, 1);
    const b = rand(N * N, 2);
    const out = new Float32Array(N * N);
    const ms = timeIt(() => matmulInto(a, b, out, N, N, N, false, false), 10, 30);
    rows.push({ name: `gradlens matmul wasm-${getWasmVariant()} f32 512³ NN, 2 threads`, value: gflops(ms), unit: "GFLOP/s", target: "info (1.75–2× one thread when a core is free)" });
    for (const n of [64, 96, 128, 192, 256, 512]) {
      const flop = 2 * n * n * n;
      const x = rand(n * n, 3), y = rand(n * n, 4), z = new Float32Array(n * n);
      const run = () => matmulInto(x, y, z, n, n, n, false, false);
      const reps = Math.max(1, Math.round(2e8 / flop));
      const batch = () => {
        for (let i = 0; i < reps; i++) run();
      };
      let one = Infinity, two = Infinity;
      for (let round = 0; round < 7; round++) {
        setThreadMinFlops(Infinity);
        one = Math.min(one, timeIt(batch, round === 0 ? 2 : 0, 1));
        setThreadMinFlops(0);
        two = Math.min(two, timeIt(batch, round === 0 ? 2 : 0, 1));
      }
      const split = flop >= DEFAULT_THREAD_MIN_FLOPS ? "split" : "one thread";
      rows.push({ name: `  2 threads ÷ 1 thread at ${n}³ (${(flop / 1e6).toFixed(1)} MFLOP; by default: ${split})`, value: Number((one / two).toFixed(2)), unit: "× faster", target: "info" });
    }
    setThreadMinFlops(DEFAULT_THREAD_MIN_FLOPS);
    return true;
  });
  if (done === null) rows.push({ name: "matmul on 2 threads: not measured (GRADLENS_THREADS=1, or no helper thread)", value: Number.NaN, unit: "", target: "info" });
}

export async function benchKernels(): Promise<Row[]> {
  const rows: Row[] = [];
  const previous = getKernelBackend();
  try {
    const js = benchOurs(rows, "js");
    void js;
    let wasm: Record<string, number> | null = null;
    if (isWasmAvailable()) {
      wasm = benchOurs(rows, "wasm");
      benchOursF64(rows);
      await benchTwoThreads(rows);
      setKernelBackend("wasm");
      benchMlpStep(rows, "wasm");
    } else {
      rows.push({ name: "wasm kernels unavailable in this runtime", value: Number.NaN, unit: "", target: "info" });
    }
    benchMlpStep(rows, "js");
    await benchTfjs(rows, wasm);
  } finally {
    setKernelBackend(previous);
  }
  return rows;
}
