// A helper thread that stalls holding a panel (descheduled: the other core busy) costs the caller
// at most the wait before it takes the panel over: every product is still complete and right.
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { helperThreadStats } from "../../../src/engine/kernels/matmul";
import { checkSplitProduct as product, helperRunning, threadTestFixture, useThreadedBuild } from "./util";

threadTestFixture();

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

for (const [variant, mark, when] of [["simd", false, "before starting it"], ["relaxed-simd", true, "in the middle of it"]] as const) {
  describe(`a helper thread that stalls holding a panel, ${when} (${variant} build)`, () => {
    it("leaves its panel to the caller, which takes it over", async () => {
      let worker: Worker | null = null;
      const holds = new SharedArrayBuffer(4);
      useThreadedBuild(variant, (init) => {
        worker = new Worker(STALLING_HELPER, { eval: true, workerData: { ...init, holds, mark } });
        worker.unref();
      });
      await helperRunning();
      const until = Date.now() + 15_000;
      // products until the helper has claimed one panel and stalled (it races the caller for it)
      for (let i = 0; Atomics.load(new Int32Array(holds), 0) !== 1; i++) {
        if (Date.now() > until) expect.fail("the stalling helper never claimed a panel");
        product(10 * i, i % 2 === 1);
        await new Promise((r) => setTimeout(r, 1));
      }
      product(1000, false);
      product(1001, true);
      expect(helperThreadStats()!.panels).toBe(0);
      await (worker as Worker | null)?.terminate();
    });
  });
}
