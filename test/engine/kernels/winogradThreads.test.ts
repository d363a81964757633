// Winograd's 16 products per chunk (forward, input and weight gradients) shared between the threads, one product per panel
// (assembly/threads.ts gemmBatchShared): against the direct convolution, bitwise what one thread
// computes (each product is the one-thread driver whichever thread runs it), and the helper's panels
// really are some of them.
import { afterAll, describe, expect, it } from "vitest";
import { convBackwardInto, convForwardInto, type ConvDims } from "../../../src/engine/kernels/conv";
import { im2colGeometry } from "../../../src/engine/kernels/im2col";
import { helperThreadStats, setThreadMinFlops } from "../../../src/engine/kernels/matmul";
import { setWinogradPolicy } from "../../../src/engine/kernels/winograd";
import { startKernelThread } from "../../../src/runner/kernelThread";
import { direct, type Case } from "./convCases";
import { expectClose, helperRunning, randArray, threadTestFixture, useThreadedBuild } from "./util";

threadTestFixture();
afterAll(() => setWinogradPolicy("auto"));

const conv3 = (N: number, C: number, H: number, W: number, Cout: number, p: number): Case => ({
  N, C, H, W, Cout, kH: 3, kW: 3, stride: [1, 1], padding: [p, p], dilation: [1, 1], groups: 1,
});
// the last: one image per chunk (1024 tile columns), so the weight gradient's products accumulate
const CASES = [conv3(2, 24, 9, 10, 20, 1), conv3(3, 16, 6, 6, 32, 0), conv3(1, 4, 5, 7, 3, 1), conv3(2, 16, 64, 64, 16, 1)];

function run(c: Case, seed: number) {
  const image = im2colGeometry(1, c.C, c.H, c.W, 3, 3, c.stride, c.padding, c.dilation);
  const d: ConvDims = { N: c.N, Cout: c.Cout, groups: 1, image };
  const x = randArray(Float32Array, c.N * c.C * c.H * c.W, seed) as Float32Array;
  const w = randArray(Float32Array, c.Cout * image.K, seed + 1) as Float32Array;
  const gy = randArray(Float32Array, c.N * c.Cout * image.L, seed + 2) as Float32Array;
  const once = () => {
    const y = new Float32Array(c.N * c.Cout * image.L).fill(Number.NaN), dx = new Float32Array(x.length).fill(Number.NaN);
    const dw = new Float32Array(w.length).fill(Number.NaN);
    convForwardInto(x, w, y, d);
    convBackwardInto(x, w, gy, dx, dw, d);
    return { y, dx, dw };
  };
  setThreadMinFlops(0);
  const two = once();
  setThreadMinFlops(Infinity);
  const one = once();
  setThreadMinFlops(0);
  return { two, one, want: direct(c, x, w, gy) };
}

function expectSame(got: Float32Array, want: Float32Array, label: string): void {
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) expect.fail(`${label}: element ${i} is ${got[i]}, one thread gives ${want[i]}`);
  }
}

for (const variant of ["simd", "relaxed-simd"] as const) {
  describe(`Winograd on two threads, ${variant} build`, () => {
    it("starts the helper thread", async () => {
      useThreadedBuild(variant, startKernelThread);
      setWinogradPolicy("always");
      await helperRunning();
    });

    it("matches the direct convolution and one thread bitwise; the helper computes some of the products", async () => {
      const before = helperThreadStats()!.panels;
      const until = Date.now() + 10_000;
      for (let i = 0; i === 0 || helperThreadStats()!.panels === before; i++) {
        if (Date.now() > until) expect.fail("the helper thread computed no product");
        CASES.forEach((c, k) => {
          const label = `${variant} ${JSON.stringify(c)}`;
          const { two, one, want } = run(c, 100 * i + 10 * k);
          expectClose(two.y, want.y, want.scale, 1e-6, 0, `${label} forward`);
          expectClose(two.dx, want.dx, null, 1e-5, 1e-5, `${label} input grad`);
          expectSame(two.y, one.y, `${label} forward`);
          expectClose(two.dw, want.dw, null, 1e-5, 1e-4, `${label} weight grad`);
          expectSame(two.dx, one.dx, `${label} input grad`);
          expectSame(two.dw, one.dw, `${label} weight grad`);
        });
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(helperThreadStats()!.panels).toBeGreaterThan(before);
    });
  });
}
