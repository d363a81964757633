// A helper thread that stalls holding a panel (descheduled: the other core busy) costs the caller
// at most the wait before it takes the panel over: every product is still complete and right.
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import {
  helperThreadStats,
  matmulInto,
  setKernelBackend,
  setThreadMinFlops,
  setWasmMinWork,
  useHelperThread,
} from "../../../src/engine/kernels/matmul";
import { DEFAULT_THREAD_MIN_FLOPS } from "../../../src/engine/kernels/threads";
import { enableRelaxedSimd, expectClose, naiveMatmul, randArray } from "./util";

enableRelaxedSimd();

afterAll(() => {
  useHelperThread(null);
  setThreadMinFlops(DEFAULT_THREAD_MIN_FLOPS);
});

function product(seed: number, accumulate: boolean): void {
  const m = 150, k = 300, n = 400;
  const a = randArray(Float32Array, m * k, seed);
  const b = randArray(Float32Array, n * k, seed + 1);
  const init = randArray(Float32Array, m * n, seed + 2);
  const out = init.slice();
  matmulInto(a, b, out, m, k, n, false, true, accumulate);
  const ref = naiveMatmul(a, b, m, k, n, false, true);
  for (let i = 0; i < m * n; i++) ref.value[i] += accumulate ? init[i]! : 0;
  expectClose(out, ref.value, ref.scale, 1e-5, 1e-6, `product ${seed}`);
}

/**
 * A helper that claims one panel through the control block (assembly/threads.ts's protocol) and
 * then hangs: before starting it (state FREE) or in the middle of it (state HELPER).
 */
const STALLING_HELPER = `
const { workerData } = require("node:worker_threads");
const { memory, control, mark } = workerData;
const i64 = new BigInt64Array(memory.buffer), i32 = new Int32Array(memory.buffer);
Atomics.store(i32, (control + 72) >> 2, 1);
for (;;) {
  const v = Atomics.load(i64, control >> 3);
  if ((v & 0xffffn) < ((v >> 16n) & 0xffffn)) {
    if (Atomics.compareExchange(i64, control >> 3, v, v + 1n) !== v) continue;
    Atomics.store(i32, (control + 84) >> 2, 1); // an unused field: tells the test it holds a panel
    if (mark) Atomics.store(i32, (control + 128 + 4 * Number(v & 0xffffn)) >> 2, 1);
    Atomics.wait(i32, (control + 72) >> 2, 1); // forever: it only ever holds 1
  }
  Atomics.wait(i64, control >> 3, v);
}
`;

for (const [variant, mark, when] of [["simd", false, "before starting it"], ["relaxed-simd", true, "in the middle of it"]] as const) {
  describe(`a helper thread that stalls holding a panel, ${when} (${variant} build)`, () => {
    it("leaves its panel to the caller, which takes it over", async () => {
      // one build per case: a realm keeps one helper per shared memory, i.e. per build
      let worker: Worker | null = null;
      let holds = () => false;
      useHelperThread((init) => {
        holds = () => Atomics.load(new Int32Array(init.memory.buffer), (init.control + 84) >> 2) === 1;
        worker = new Worker(STALLING_HELPER, { eval: true, workerData: { ...init, mark } });
        worker.unref();
      });
      setKernelBackend("wasm", { variant });
      setWasmMinWork(0);
      setThreadMinFlops(0);
      const until = Date.now() + 15_000;
      while (!helperThreadStats()?.running) {
        if (Date.now() > until) expect.fail("the stalling helper did not start");
        await new Promise((r) => setTimeout(r, 10));
      }
      // products until the helper has claimed one panel and stalled (it races the caller for it)
      for (let i = 0; !holds(); i++) {
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
