// batch_norm's passes (src/engine/kernels/batchNorm.ts) on float32 [N, C, S]: the wasm loops (both
// builds) and the JavaScript loops against sums and formulas evaluated in float64 here, for run
// lengths with and without a partial last vector (S = 1, 5, 16, 63) and ResNet's widest map.
import { describe, expect, it } from "vitest";
import { batchNormBackward, batchNormForward } from "../../../src/engine/kernels/batchNorm";
import { getKernelBackend, getWasmVariant, setKernelBackend } from "../../../src/engine/kernels/matmul";
import { expectClose, kernelBackendFixture, randArray } from "./util";

kernelBackendFixture();

// every shape ≥ 1024 values, the wasm path's smallest
const SHAPES: Array<[number, number, number]> = [[256, 5, 1], [37, 7, 5], [9, 11, 16], [5, 4, 63], [8, 2, 1024]];

/** The reference: per channel Σx, Σ(x − mean)², and for g, Σg and Σg·(x − mean), in float64. */
function reference(x: Float32Array, g: Float32Array, N: number, C: number, S: number) {
  const sum = new Float64Array(C), dev = new Float64Array(C), gs = new Float64Array(C), gxs = new Float64Array(C);
  const at = (n: number, c: number, s: number) => (n * C + c) * S + s;
  for (let c = 0; c < C; c++) {
    for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) sum[c] += x[at(n, c, s)]!;
    const m = sum[c]! / (N * S);
    for (let n = 0; n < N; n++)
      for (let s = 0; s < S; s++) {
        const d = x[at(n, c, s)]! - m;
        dev[c] += d * d;
        gs[c] += g[at(n, c, s)]!;
        gxs[c] += g[at(n, c, s)]! * d;
      }
  }
  return { sum, dev, gs, gxs };
}

function check(label: string): void {
  it(`forward and backward passes (${label}) match float64 sums and formulas`, () => {
    let seed = 11;
    for (const [N, C, S] of SHAPES) {
      const n = N * C * S;
      // an offset mean, so that the two-pass variance matters
      const x = Float32Array.from(randArray(Float32Array, n, seed++), (v) => 3 + v);
      const g = randArray(Float32Array, n, seed++) as Float32Array;
      const want = reference(x, g, N, C, S);
      const scale = Float64Array.from({ length: C }, (_, c) => 0.5 + c), shift = Float64Array.from({ length: C }, (_, c) => c - 1);
      const tag = `${label} [${N}, ${C}, ${S}]`;

      const moments = new Float64Array(2 * C);
      const out = new Float32Array(n).fill(Number.NaN); // written over
      batchNormForward(x, out, N, C, S, moments, (sc, sh) => {
        sc.set(scale);
        sh.set(shift);
      });
      expectClose(moments.filter((_, i) => i % 2 === 0), want.sum, null, 1e-12, 1e-9, `${tag} Σx`);
      expectClose(moments.filter((_, i) => i % 2 === 1), want.dev, null, 1e-12, 1e-9, `${tag} Σ(x − mean)²`);
      // each output is the float64 formula rounded once to float32: exactly Math.fround of it
      const wantOut = Float32Array.from(x, (v, i) => v * scale[Math.floor(i / S) % C]! + shift[Math.floor(i / S) % C]!);
      expect(out, `${tag} output`).toEqual(wantOut);

      const mean = Float64Array.from(want.sum, (s) => Math.fround(s / (N * S)));
      const sums = new Float64Array(2 * C);
      const gx = new Float32Array(n).fill(Number.NaN);
      const abk = Float64Array.from({ length: 3 * C }, (_, i) => [0.7, -0.02, 0.1][i % 3]! * (1 + Math.floor(i / 3)));
      batchNormBackward(g, x, gx, N, C, S, mean, sums, () => abk);
      const gsWant = new Float64Array(C), gxsWant = new Float64Array(C);
      for (let c = 0; c < C; c++)
        for (let i = 0; i < N; i++)
          for (let s = 0; s < S; s++) {
            const k = (i * C + c) * S + s;
            gsWant[c] += g[k]!;
            gxsWant[c] += g[k]! * (x[k]! - mean[c]!);
          }
      expectClose(sums.filter((_, i) => i % 2 === 0), gsWant, null, 1e-12, 1e-9, `${tag} Σg`);
      expectClose(sums.filter((_, i) => i % 2 === 1), gxsWant, null, 1e-12, 1e-9, `${tag} Σg·(x − mean)`);
      const wantGx = Float32Array.from(g, (v, k) => {
        const c = Math.floor(k / S) % C;
        return abk[3 * c]! * v + abk[3 * c + 1]! * (x[k]! - mean[c]!) + abk[3 * c + 2]!;
      });
      expect(gx, `${tag} input gradient`).toEqual(wantGx);

      // without an input gradient: the sums only
      const sumsOnly = new Float64Array(2 * C);
      batchNormBackward(g, x, null, N, C, S, mean, sumsOnly, () => expect.fail("no coefficients without gx"));
      expectClose(sumsOnly, sums, null, 0, 0, `${tag} sums without gx`);
    }
  });
}

describe.each(["simd", "relaxed-simd"] as const)("batch_norm kernels, wasm %s build", (variant) => {
  it("runs in wasm", () => {
    setKernelBackend("wasm", { variant });
    expect(getWasmVariant()).toBe(variant);
  });
  check(variant);
});

describe("batch_norm kernels, JS kernel set", () => {
  it("selects the JS kernels", () => {
    setKernelBackend("js");
    expect(getKernelBackend()).toBe("js");
  });
  check("js");
});
