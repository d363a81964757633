// The caller never waits for a helper thread that has not claimed a panel: with a helper that never
// starts, or starts late, every product is still complete and right (the caller does the panels).
// (threadsStall.test.ts: a helper that stalls holding a panel.)
import { describe, expect, it } from "vitest";
import { helperThreadStats } from "../../../src/engine/kernels/matmul";
import type { HelperThreadInit } from "../../../src/engine/kernels/threads";
import { startKernelThread } from "../../../src/runner/kernelThread";
import { checkSplitProduct as product, threadTestFixture, useThreadedBuild } from "./util";

threadTestFixture();

// one build per case: a realm keeps one helper per shared memory, i.e. per build
describe("a helper thread that never starts (simd build)", () => {
  it("leaves every panel to the caller", () => {
    let started: HelperThreadInit | null = null;
    useThreadedBuild("simd", (init) => void (started = init)); // takes the job, starts nothing
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
    useThreadedBuild("relaxed-simd", (init) => {
      setTimeout(() => {
        startKernelThread(init);
        join();
      }, 200);
    });
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
