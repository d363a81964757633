// The GELU kernels (src/engine/kernels/gelu.ts): the wasm loops (both builds) against the JavaScript
// loops on the same float32 inputs — the same float64 formulas rounded once, so at most one float32
// ulp apart (a rounding tie of exp's last bits) — over [−12, 12] densely, the branch edges of erfF32
// (|x| = 0.5, 4), exp's underflow, ±0, ±∞ and NaN; and the dispatch (JS kernel set, short arrays).
import { describe, expect, it } from "vitest";
import { geluBackwardF32, geluBackwardRefF32, geluF32, geluRefF32 } from "../../../src/engine/kernels/gelu";
import { setKernelBackend } from "../../../src/engine/kernels/matmul";
import { kernelBackendFixture, rng } from "./util";

kernelBackendFixture({ dispatcherThresholds: true });

const SPECIAL = [0, -0, 0.5, -0.5, 0.49999997, -0.49999997, 4, -4, 3.9999998, -3.9999998, 40, -40, 1e-30, -1e-30, Infinity, -Infinity, NaN];
/** 2·12·10⁴ grid points, the specials, then random values: an odd length leaves a partial last vector */
function inputs(): Float32Array {
  const r = rng(7);
  const xs: number[] = [];
  for (let i = -120000; i <= 120000; i++) xs.push(i / 10000);
  xs.push(...SPECIAL);
  for (let i = 0; i < 1001; i++) xs.push((r() * 2 - 1) * 8);
  return Float32Array.from(xs);
}

/** a and b equal (NaN where NaN), or one float32 ulp apart */
function expectWithinUlp(got: Float32Array, want: Float32Array, label: string): void {
  const gi = new Int32Array(got.buffer, got.byteOffset, got.length), wi = new Int32Array(want.buffer, want.byteOffset, want.length);
  let apart = 0;
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i]!)) {
      if (!Number.isNaN(got[i]!)) expect.fail(`${label}: element ${i} got ${got[i]} want NaN`);
      continue;
    }
    const d = Math.abs(gi[i]! - wi[i]!);
    if (d === 0 || (got[i] === 0 && want[i] === 0)) continue;
    if (d > 1) expect.fail(`${label}: element ${i} (x = ${inputs()[i]}) got ${got[i]} want ${want[i]}`);
    apart++;
  }
  expect(apart / want.length, `${label}: share one ulp apart`).toBeLessThan(1e-3);
}

describe.each(["simd", "relaxed-simd"] as const)("GELU kernels, %s build", (variant) => {
  it("match the JavaScript loops to a float32 ulp, specials included", () => {
    setKernelBackend("wasm", { variant });
    const x = inputs(), r = rng(3);
    const g = Float32Array.from(x, () => r() * 4 - 2);
    const y = new Float32Array(x.length), yRef = new Float32Array(x.length);
    geluF32(x, y);
    geluRefF32(x, yRef);
    expectWithinUlp(y, yRef, "gelu");
    const dx = new Float32Array(x.length), dxRef = new Float32Array(x.length);
    geluBackwardF32(g, x, dx);
    geluBackwardRefF32(g, x, dxRef);
    expectWithinUlp(dx, dxRef, "gelu backward");
    // the limits as PyTorch has them: gelu(x) = x from 40 on, 0 far below; gelu'(40) = 1
    const at = (v: number) => x.indexOf(v);
    expect(y[at(40)]).toBe(40);
    expect(Object.is(y[at(-40)], -0) || y[at(-40)] === 0).toBe(true);
    expect(dx[at(40)]).toBe(g[at(40)]);
    expect(y[at(Infinity)]).toBe(Infinity);
  });

  it("reads only the first n inputs of a longer storage and writes only n outputs", () => {
    setKernelBackend("wasm", { variant });
    const x = Float32Array.from({ length: 300 }, (_, i) => (i - 150) / 10);
    const out = new Float32Array(257), ref = new Float32Array(257);
    geluF32(x, out);
    geluRefF32(x, ref);
    expectWithinUlp(out, ref, "gelu of a prefix");
  });
});

describe("GELU dispatch", () => {
  it("runs the JavaScript loops with the JS kernel set and for short arrays (the same values)", () => {
    const x = Float32Array.from({ length: 63 }, (_, i) => (i - 31) / 4);
    const out = new Float32Array(63), ref = new Float32Array(63);
    setKernelBackend("wasm");
    geluF32(x, out);
    geluRefF32(x, ref);
    expect(Array.from(out)).toEqual(Array.from(ref));
    setKernelBackend("js");
    const big = inputs(), y = new Float32Array(big.length), yRef = new Float32Array(big.length);
    geluF32(big, y);
    geluRefF32(big, yRef);
    expect(Array.from(y)).toEqual(Array.from(yRef));
  });
});
