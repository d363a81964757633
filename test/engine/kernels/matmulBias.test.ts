// addmmRowsInto (nn.Linear's forward: a bias row under every row of the product) on each kernel set:
// against bias + the naive triple loop, and bit for bit what the rows filled in `out` and the product
// accumulated onto them (matmulInto with accumulate) give on the same kernels.
import { describe, expect, it } from "vitest";
import { addmmRowsInto, matmulInto, setKernelBackend, setWasmMinWork } from "../../../src/engine/kernels/matmul";
import { expectClose, kernelBackendFixture, naiveMatmul, randArray } from "./util";

kernelBackendFixture();

const SETS = [
  ["js", () => setKernelBackend("js")],
  ["wasm-simd", () => setKernelBackend("wasm", { variant: "simd" })],
  ["wasm-relaxed", () => setKernelBackend("wasm", { variant: "relaxed-simd" })],
] as const;
const DTYPES = [
  { name: "f32", ctor: Float32Array, rel: 1e-5 },
  { name: "f64", ctor: Float64Array, rel: 1e-13 },
] as const;
// a batch of 64 through 784→512 (the MLP's first layer), one row, edges of the 6- and 4-row tiles,
// depth beyond one block (256), a partial column panel
const SHAPES = [[64, 784, 512], [1, 17, 130], [5, 3, 9], [65, 300, 33]] as const;

describe("addmmRowsInto", () => {
  for (const [set, use] of SETS) {
    for (const dt of DTYPES) {
      it(`${set} ${dt.name}: bias + op(a)·op(b), the same values as filled rows + matmulInto(accumulate)`, () => {
        use();
        setWasmMinWork(0);
        let seed = 40;
        for (const [m, k, n] of SHAPES) {
          for (const [tA, tB] of [[false, true], [false, false], [true, false]] as const) {
            const aOff = 3, bOff = 5, oOff = 2;
            const a = randArray(dt.ctor, aOff + m * k, seed++), b = randArray(dt.ctor, bOff + k * n, seed++);
            const bias = randArray(dt.ctor, n, seed++);
            const init = randArray(dt.ctor, oOff + m * n + 3, seed++);
            const out = init.slice();
            addmmRowsInto(bias, a, b, out, m, k, n, tA, tB, aOff, bOff, oOff);

            const ref = naiveMatmul(a, b, m, k, n, tA, tB, aOff, bOff);
            const want = new Float64Array(m * n);
            for (let i = 0; i < m * n; i++) want[i] = bias[i % n]! + ref.value[i]!;
            const label = `${m}x${k}x${n} ${tA ? "T" : "N"}${tB ? "T" : "N"}`;
            expectClose(out.subarray(oOff, oOff + m * n), want, ref.scale, dt.rel, 1e-7, label);
            // the window only
            expect(Array.from(out.subarray(0, oOff))).toEqual(Array.from(init.subarray(0, oOff)));
            expect(Array.from(out.subarray(oOff + m * n))).toEqual(Array.from(init.subarray(oOff + m * n)));

            const filled = init.slice();
            for (let i = 0; i < m; i++) filled.set(bias, oOff + i * n);
            matmulInto(a, b, filled, m, k, n, tA, tB, true, aOff, bOff, oOff);
            expect(out).toEqual(filled);
          }
        }
      });
    }
  }

  it("rejects a bias that is not one value per column", () => {
    expect(() => addmmRowsInto(new Float32Array(3), new Float32Array(4), new Float32Array(4), new Float32Array(4), 2, 2, 2, false, false))
      .toThrow(RangeError);
  });
});
