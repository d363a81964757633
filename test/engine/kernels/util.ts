// Shared helpers for the kernel tests.
import { afterAll, expect } from "vitest";
import {
  DEFAULT_WASM_MIN_WORK, getKernelBackend, getWasmMinWork, helperThreadStats, matmulInto, setKernelBackend, setThreadMinFlops, setWasmMinWork,
  useHelperThread,
} from "../../../src/engine/kernels/matmul";
import { DEFAULT_THREAD_MIN_FLOPS, type HelperThreadStarter } from "../../../src/engine/kernels/threads";
import type { GemmVariant } from "../../../src/engine/kernels/wasm/loader";

export type FloatArray = Float32Array | Float64Array;

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randArray(ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number, seed: number): FloatArray {
  const r = rng(seed);
  const a = new ctor(n);
  for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
  return a;
}

/**
 * Naive strided triple loop in float64: returns the product and, per element,
 * Σ|a||b| (the scale the rounding error is relative to).
 */
export function naiveMatmul(
  a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number,
  transA: boolean, transB: boolean, aOff = 0, bOff = 0,
): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let sc = 0;
      for (let p = 0; p < k; p++) {
        const x = a[aOff + (transA ? p * m + i : i * k + p)];
        const y = b[bOff + (transB ? j * k + p : p * n + j)];
        s += x * y;
        sc += Math.abs(x * y);
      }
      value[i * n + j] = s;
      scale[i * n + j] = sc;
    }
  }
  return { value, scale };
}

/** |got − want| ≤ rel·(scale + |want|) + abs, elementwise, with a readable failure. */
export function expectClose(
  got: ArrayLike<number>, want: ArrayLike<number>, scale: ArrayLike<number> | null,
  rel: number, abs = 1e-30, label = "",
): void {
  expect(got.length).toBe(want.length);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < want.length; i++) {
    const tol = rel * ((scale ? scale[i] : 0) + Math.abs(want[i])) + abs;
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol)) {
      if (worst < 0 || err / tol > worstErr) {
        worst = i;
        worstErr = err / tol;
      }
    }
  }
  if (worst >= 0) {
    expect.fail(`${label}: element ${worst} got ${got[worst]} want ${want[worst]} (err/tol ${worstErr.toFixed(2)})`);
  }
}

/**
 * Turns on V8's relaxed SIMD where it is still behind a flag (Node 20; on by default from Node 22),
 * so the FMA build's kernels are tested on every Node CI runs. Call before the first kernel load.
 */
export function enableRelaxedSimd(): void {
  if (Number(process.versions.node.split(".")[0]) < 22) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("node:v8") as typeof import("node:v8")).setFlagsFromString("--experimental-wasm-relaxed-simd");
  }
}

/**
 * The setup of a test file that switches kernel backends: relaxed SIMD on; afterwards the backend and
 * the wasm threshold as they were. `dispatcherThresholds` puts the dispatcher's own threshold back for
 * this file (the test setup may have set "always wasm"), for tests of what runs where.
 */
export function kernelBackendFixture(opts: { dispatcherThresholds?: boolean } = {}): void {
  enableRelaxedSimd();
  const backend = getKernelBackend(), minWork = getWasmMinWork();
  afterAll(() => {
    setKernelBackend(backend, { variant: "auto" });
    setWasmMinWork(minWork);
  });
  if (opts.dispatcherThresholds) setWasmMinWork(DEFAULT_WASM_MIN_WORK);
}

/**
 * The two-thread tests' setup: kernelBackendFixture's, and afterwards one thread again with the
 * default split threshold.
 */
export function threadTestFixture(): void {
  kernelBackendFixture();
  afterAll(() => {
    useHelperThread(null);
    setThreadMinFlops(DEFAULT_THREAD_MIN_FLOPS);
  });
}

/**
 * The threaded `variant` build with a helper started by `start`, every product in wasm and split.
 * One build per case: a realm keeps one helper per shared memory, i.e. per build.
 */
export function useThreadedBuild(variant: GemmVariant, start: HelperThreadStarter): void {
  useHelperThread(start);
  setKernelBackend("wasm", { variant });
  setWasmMinWork(0);
  setThreadMinFlops(0);
}

/** Polls until the helper thread runs its loop (a Worker boots in tens of ms; more on a busy machine). */
export async function helperRunning(timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!helperThreadStats()?.running) {
    if (Date.now() > until) expect.fail(`the helper thread did not start within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A 150×300×400 product (several panels) against the float64 reference: written over NaN (every
 * element must be computed), or added to random values.
 */
export function checkSplitProduct(seed: number, accumulate = false): void {
  const m = 150, k = 300, n = 400;
  const a = randArray(Float32Array, m * k, seed);
  const b = randArray(Float32Array, n * k, seed + 1);
  const init = accumulate ? randArray(Float32Array, m * n, seed + 2) : new Float32Array(m * n).fill(Number.NaN);
  const out = init.slice();
  matmulInto(a, b, out, m, k, n, false, true, accumulate);
  const ref = naiveMatmul(a, b, m, k, n, false, true);
  if (accumulate) for (let i = 0; i < m * n; i++) ref.value[i] += init[i]!;
  expectClose(out, ref.value, ref.scale, 1e-5, 1e-6, `product ${seed}${accumulate ? " (+=)" : ""}`);
}
