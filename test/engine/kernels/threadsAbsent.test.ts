// The caller never waits for a helper thread that has not claimed a panel: with a helper that never
// starts, or starts late, every product is still complete and right (the caller does the panels).
// (threadsStall.test.ts: a helper that stalls holding a panel.)
import { afterAll, describe, expect, it } from "vitest";
import {
  helperThreadStats,
  matmulInto,
  setKernelBackend,
  setThreadMinFlops,
  setWasmMinWork,
  useHelperThread,
} from "../../../src/engine/kernels/matmul";
import { DEFAULT_THREAD_MIN_FLOPS, type HelperThreadInit } from "../../../src/engine/kernels/threads";
import { startKernelThread } from "../../../src/runner/kernelThread";
import { enableRelaxedSimd, expectClose, naiveMatmul, randArray } from "./util";

enableRelaxedSimd();

afterAll(() => {
  useHelperThread(null);
  setThreadMinFlops(DEFAULT_THREAD_MIN_FLOPS);
});

function product(seed: number): void {
  const m = 150, k = 300, n = 400;
  const a = randArray(Float32Array, m * k, seed);
  const b = randArray(Float32Array, n * k, seed + 1);
  const out = new Float32Array(m * n).fill(Number.NaN);
  matmulInto(a, b, out, m, k, n, false, true);
  const ref = naiveMatmul(a, b, m, k, n, false, true);
  expectClose(out, ref.value, ref.scale, 1e-5, 0, `product ${seed}`);
}

// one build per case: a realm keeps one helper per shared memory, i.e. per build
describe("a helper thread that never starts (simd build)", () => {
  it("leaves every panel to the caller", () => {
    let started: HelperThreadInit | null = null;
    useHelperThread((init) => void (started = init)); // takes the job, starts nothing
    setKernelBackend("wasm", { variant: "simd" });
    setWasmMinWork(0);
    setThreadMinFlops(0);
    for (let i = 0; i < 3; i++) product(10 * i);
    expect(started).not.toBeNull();
    expect(helperThreadStats()).toEqual({ running: false, panels: 0 });
  });
});

describe("a helper thread that starts late (relaxed-simd build)", () => {
  it("gives the same results before and after it joins", async () => {
    let join: () => void = () => {};
    const joined = new Promise<void>((resolve) => {
      join = resolve;
    });
    useHelperThread((init) => {
      setTimeout(() => {
        startKernelThread(init);
        join();
      }, 200);
    });
    setKernelBackend("wasm", { variant: "relaxed-simd" });
    setWasmMinWork(0);
    setThreadMinFlops(0);
    product(1); // the thread is not even created yet
    expect(helperThreadStats()).toEqual({ running: false, panels: 0 });
    await joined;
    const until = Date.now() + 15_000;
    for (let i = 2; helperThreadStats()!.panels === 0; i++) {
      if (Date.now() > until) expect.fail("the late helper thread never took a panel");
      product(i);
      await new Promise((r) => setTimeout(r, 1));
    }
    product(100);
  });
});
