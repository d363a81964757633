// Large GEMMs split between the calling thread and a helper thread (a worker_threads Worker, started
// by the runner's starter as in the check's child) give the reference's values, and bitwise the
// single-threaded kernel's: each panel is the same blocked computation whichever thread runs it.
import { describe, expect, it } from "vitest";
import { bmmInto, helperThreadStats, matmulInto, setThreadMinFlops } from "../../../src/engine/kernels/matmul";
import { convBackwardInto, convForwardInto } from "../../../src/engine/kernels/conv";
import { im2colGeometry } from "../../../src/engine/kernels/im2col";
import { startKernelThread } from "../../../src/runner/kernelThread";
import { expectClose, helperRunning, naiveMatmul, randArray, threadTestFixture, useThreadedBuild } from "./util";

threadTestFixture();

// m, k, n off every block size (MR 5/6, NR 8, MC 60/72, KC 256): partial panels, several depth
// blocks, column panels (n ≥ m) and row panels (m > n)
const SHAPES: Array<[number, number, number]> = [
  [130, 65, 201],
  [300, 70, 129],
  [7, 600, 333],
  [257, 513, 130],
  [64, 300, 1000],
  [150, 17, 150],
];
const TRANSPOSES: Array<[boolean, boolean]> = [[false, false], [true, false], [false, true], [true, true]];
const DTYPES = [
  { name: "f32", ctor: Float32Array, rel: 1e-5 },
  { name: "f64", ctor: Float64Array, rel: 1e-13 },
] as const;

/** Bitwise equality (a plain loop: vitest's deep equality is slow on large typed arrays). */
function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) expect.fail(`${label}: element ${i} is ${got[i]}, one thread gives ${want[i]}`);
  }
}

for (const variant of ["simd", "relaxed-simd"] as const) {
  describe(`two threads, ${variant} build`, () => {
    it("starts the helper thread on the threaded build", async () => {
      useThreadedBuild(variant, startKernelThread);
      await helperRunning();
      expect(helperThreadStats()).toMatchObject({ running: true });
    });

    for (const dt of DTYPES) {
      it(`${dt.name}: every transpose, awkward shapes, = and += with offsets match the reference and the one-thread kernel bitwise`, () => {
        let seed = 1;
        for (const [tA, tB] of TRANSPOSES) {
          for (const [m, k, n] of SHAPES) {
            const aOff = 3, bOff = 5, oOff = 7;
            const a = randArray(dt.ctor, aOff + m * k, seed++);
            const b = randArray(dt.ctor, bOff + k * n, seed++);
            const init = randArray(dt.ctor, oOff + m * n + 2, seed++);
            const ref = naiveMatmul(a, b, m, k, n, tA, tB, aOff, bOff);
            for (const accumulate of [false, true]) {
              const label = `${dt.name} ${tA ? "T" : "N"}${tB ? "T" : "N"} ${m}x${k}x${n} acc=${accumulate}`;
              setThreadMinFlops(0);
              const two = init.slice();
              matmulInto(a, b, two, m, k, n, tA, tB, accumulate, aOff, bOff, oOff);
              setThreadMinFlops(Infinity);
              const one = init.slice();
              matmulInto(a, b, one, m, k, n, tA, tB, accumulate, aOff, bOff, oOff);
              const want = new Float64Array(m * n);
              for (let i = 0; i < m * n; i++) want[i] = ref.value[i]! + (accumulate ? init[oOff + i]! : 0);
              expectClose(two.subarray(oOff, oOff + m * n), want, ref.scale, dt.rel, 1e-7, label);
              expectSame(two, one, label); // also: nothing outside the window touched
            }
          }
        }
      });
    }

    it("batched products summed into one output (the weight-gradient pattern)", () => {
      setThreadMinFlops(0);
      const batch = 3, m = 70, k = 90, n = 260;
      const a = randArray(Float32Array, batch * m * k, 11);
      const b = randArray(Float32Array, batch * k * n, 12);
      const out = new Float32Array(m * n);
      bmmInto(a, b, out, batch, m, k, n, false, false, m * k, k * n, 0, true);
      const want = new Float64Array(m * n);
      const scale = new Float64Array(m * n);
      for (let t = 0; t < batch; t++) {
        const r = naiveMatmul(a, b, m, k, n, false, false, t * m * k, t * k * n);
        for (let i = 0; i < m * n; i++) {
          want[i] += r.value[i]!;
          scale[i] += r.scale[i]!;
        }
      }
      expectClose(out, want, scale, 1e-5, 0, "bmm reduce");
    });

    it("the conv's GEMMs (they call the module's sgemm directly) are split too, bitwise as on one thread", () => {
      const d = { N: 4, Cout: 32, groups: 1, image: im2colGeometry(1, 16, 20, 20, 3, 3, 1, 1) };
      const x = randArray(Float32Array, 4 * 16 * 400, 21) as Float32Array;
      const w = randArray(Float32Array, 32 * 144, 22) as Float32Array;
      const gy = randArray(Float32Array, 4 * 32 * 400, 23) as Float32Array;
      const run = (minFlops: number) => {
        setThreadMinFlops(minFlops);
        const y = new Float32Array(4 * 32 * 400);
        const dw = new Float32Array(32 * 144);
        convForwardInto(x, w, y, d);
        convBackwardInto(x, w, gy, null, dw, d);
        return { y, dw };
      };
      const before = helperThreadStats()!.panels;
      const two = run(0);
      const one = run(Infinity);
      expectSame(two.y, one.y, "conv forward");
      expectSame(two.dw, one.dw, "conv weight grad");
      expect(helperThreadStats()!.panels).toBeGreaterThanOrEqual(before);
    });

    it("the helper thread computes panels of large products", async () => {
      // it competes with the caller for each product's panels; over a few large ones it wins some
      setThreadMinFlops(0);
      const m = 256, k = 512, n = 512;
      const a = randArray(Float32Array, m * k, 31);
      const b = randArray(Float32Array, k * n, 32);
      const out = new Float32Array(m * n);
      const before = helperThreadStats()!.panels;
      const until = Date.now() + 10_000;
      while (helperThreadStats()!.panels === before && Date.now() < until) {
        matmulInto(a, b, out, m, k, n, false, false);
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(helperThreadStats()!.panels).toBeGreaterThan(before);
    });
  });
}
