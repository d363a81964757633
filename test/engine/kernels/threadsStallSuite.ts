// The stalling-helper scenario shared by threadsStall.test.ts (products) and threadsStallConv.test.ts
// (a conv's im2col/col2im jobs): a helper that claims one panel and hangs, before starting it or in
// the middle of it; the caller takes the panel over and every later job is still complete and right.
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { helperThreadStats } from "../../../src/engine/kernels/matmul";
import { checkConv } from "./convCases";
import { checkSplitProduct as product, helperRunning, useThreadedBuild } from "./util";

/**
 * A helper that claims one panel through the control block (assembly/threads.ts's protocol) and
 * then hangs: before starting it (state FREE) or in the middle of it (state HELPER).
 */
const STALLING_HELPER = `
const { workerData } = require("node:worker_threads");
const { memory, control, layout, holds, mark } = workerData;
const i64 = new BigInt64Array(memory.buffer), i32 = new Int32Array(memory.buffer), flag = new Int32Array(holds);
Atomics.store(i32, (control + layout.alive) >> 2, 1);
for (;;) {
  const v = Atomics.load(i64, control >> 3);
  if ((v & 0xffffn) < ((v >> 16n) & 0xffffn)) {
    if (Atomics.compareExchange(i64, control >> 3, v, v + 1n) !== v) continue;
    Atomics.store(flag, 0, 1); // tells the test it holds a panel
    if (mark) Atomics.store(i32, (control + layout.states + 4 * Number(v & 0xffffn)) >> 2, 1);
    Atomics.wait(flag, 0, 1); // forever: it only ever holds 1
  }
  Atomics.wait(i64, control >> 3, v);
}
`;

/** im2col and col2im jobs of 16 panels (32 channels), long enough (~0.3 ms) for the helper to claim one. */
export const checkBigConv = (seed: number): void => {
  checkConv(
    { N: 1, C: 32, H: 32, W: 32, Cout: 4, kH: 3, kW: 3, stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 },
    seed, `conv ${seed}`,
  );
};

/** Runs `job(i)` (checking its result) until the helper holds a panel of one, then products and a conv. */
export function stallingHelperSuite(what: string, job: (i: number) => void): void {
  for (const [variant, mark, when] of [["simd", false, "before starting it"], ["relaxed-simd", true, "in the middle of it"]] as const) {
    describe(`a helper thread that stalls holding a panel of ${what}, ${when} (${variant} build)`, () => {
      it("leaves its panel to the caller, which takes it over", async () => {
        let worker: Worker | null = null;
        const holds = new SharedArrayBuffer(4);
        useThreadedBuild(variant, (init) => {
          worker = new Worker(STALLING_HELPER, { eval: true, workerData: { ...init, holds, mark } });
          worker.unref();
        });
        await helperRunning();
        const until = Date.now() + 15_000;
        // jobs until the helper has claimed one panel and stalled (it races the caller for it)
        for (let i = 0; Atomics.load(new Int32Array(holds), 0) !== 1; i++) {
          if (Date.now() > until) expect.fail("the stalling helper never claimed a panel");
          job(i);
          await new Promise((r) => setTimeout(r, 1));
        }
        product(1000, false);
        product(1001, true);
        checkBigConv(1002);
        expect(helperThreadStats()!.panels).toBe(0);
        await (worker as Worker | null)?.terminate();
      });
    });
  }
}
