// The conv's im2col and col2im split by channels with the helper thread (assembly/threads.ts): every
// case of conv.test.ts against the direct convolution, and bitwise what one thread computes (each
// channel's rows and gradient are the same loops whichever thread runs them).
import { describe, expect, it } from "vitest";
import { convBackwardInto, convForwardInto, type ConvDims } from "../../../src/engine/kernels/conv";
import { im2colGeometry } from "../../../src/engine/kernels/im2col";
import { helperThreadStats, setThreadMinFlops } from "../../../src/engine/kernels/matmul";
import { startKernelThread } from "../../../src/runner/kernelThread";
import { CASES, direct, type Case } from "./convCases";
import { expectClose, helperRunning, randArray, threadTestFixture, useThreadedBuild } from "./util";

threadTestFixture();

/** Bitwise equality (a plain loop: vitest's deep equality is slow on large typed arrays). */
function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) expect.fail(`${label}: element ${i} is ${got[i]}, one thread gives ${want[i]}`);
  }
}

/** Forward and both gradients, written over NaN (every element must be computed). */
function run(c: Case, x: Float32Array, w: Float32Array, gy: Float32Array) {
  const image = im2colGeometry(1, c.C, c.H, c.W, c.kH, c.kW, c.stride, c.padding, c.dilation);
  const d: ConvDims = { N: c.N, Cout: c.Cout, groups: c.groups, image };
  const y = new Float32Array(c.N * c.Cout * image.L).fill(Number.NaN);
  const dx = new Float32Array(x.length).fill(Number.NaN), dw = new Float32Array(w.length).fill(Number.NaN);
  convForwardInto(x, w, y, d);
  convBackwardInto(x, w, gy, dx, dw, d);
  return { y, dx, dw };
}

function inputs(c: Case, seed: number) {
  const K = c.C * c.kH * c.kW, L = im2colGeometry(1, c.C, c.H, c.W, c.kH, c.kW, c.stride, c.padding, c.dilation).L;
  return {
    x: randArray(Float32Array, c.N * c.C * c.H * c.W, seed) as Float32Array,
    w: randArray(Float32Array, c.Cout * (K / c.groups), seed + 1) as Float32Array,
    gy: randArray(Float32Array, c.N * c.Cout * L, seed + 2) as Float32Array,
  };
}

/** Split (threshold 0) and one-thread runs agree bitwise, and with the direct convolution. */
function checkCase(c: Case, seed: number, label: string): void {
  const { x, w, gy } = inputs(c, seed);
  setThreadMinFlops(0);
  const two = run(c, x, w, gy);
  setThreadMinFlops(Infinity);
  const one = run(c, x, w, gy);
  setThreadMinFlops(0);
  const want = direct(c, x, w, gy);
  expectClose(two.y, want.y, want.scale, 1e-6, 0, `${label} forward`);
  expectClose(two.dx, want.dx, null, 1e-5, 1e-5, `${label} input grad`);
  expectClose(two.dw, want.dw, null, 1e-5, 1e-4, `${label} weight grad`);
  expectSame(two.y, one.y, `${label} forward`);
  expectSame(two.dx, one.dx, `${label} input grad`);
  expectSame(two.dw, one.dw, `${label} weight grad`);
}

// GEMMs too small to split (one panel each: m ≤ 72 rows, n ≤ 64 columns) around im2col/col2im jobs
// of 7 channel panels: the helper's panels here can only be the conv's own.
const IM2COL_ONLY: Case = {
  N: 1, C: 7, H: 16, W: 16, Cout: 4, kH: 3, kW: 3, stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 1,
};

for (const variant of ["simd", "relaxed-simd"] as const) {
  describe(`conv on two threads, ${variant} build`, () => {
    it("starts the helper thread on the threaded build", async () => {
      useThreadedBuild(variant, startKernelThread);
      await helperRunning();
      expect(helperThreadStats()).toMatchObject({ running: true });
    });

    it("every conv case matches the direct convolution and one thread bitwise", () => {
      CASES.forEach((c, i) => checkCase(c, 10 * i + 1, `${variant} ${JSON.stringify(c)}`));
    });

    it("the helper thread computes im2col and col2im panels (through its private buffer), bitwise as one thread", async () => {
      const before = helperThreadStats()!.panels;
      const until = Date.now() + 10_000;
      for (let i = 0; helperThreadStats()!.panels === before; i++) {
        if (Date.now() > until) expect.fail("the helper thread computed no im2col/col2im panel");
        checkCase(IM2COL_ONLY, 1000 + i, `${variant} im2col-only #${i}`);
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(helperThreadStats()!.panels).toBeGreaterThan(before);
    });
  });
}
