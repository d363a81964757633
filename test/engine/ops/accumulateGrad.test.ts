// A second backward adds its gradient into the leaf's existing `.grad` (AccumulateGrad). Float32
// gradients of 64 elements or more are added by the wasm vector kernel (kernels/optim.ts addInto),
// shorter ones by a JS loop; both must give the IEEE float32 sum of the two gradients.
import { describe, expect, it } from "vitest";
import { tensor } from "gradlens";

/** float32 values with a spread of magnitudes, signed zeros and infinities. */
function values(n: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.fround(((s / 2 ** 32) - 0.5) * 10 ** ((i % 7) - 3)));
  }
  out[0] = -0;
  out[1] = Infinity;
  out[2] = 3e38;
  return out;
}

describe("gradient accumulation into an existing .grad", () => {
  for (const n of [5, 63, 64, 1000, 4099]) {
    it(`${n} elements: the float32 sum of both backward passes`, () => {
      const a = values(n, 1), b = values(n, 2).map((v, i) => (i === 0 ? -0 : i === 1 ? -Infinity : i === 2 ? 3e38 : v));
      const w = tensor(new Array(n).fill(1), { requiresGrad: true });
      w.mul(tensor(a)).sum().backward();
      w.mul(tensor(b)).sum().backward();
      const expected = a.map((v, i) => Math.fround(v + b[i]));
      const got = Array.from(w.grad!.dataSync());
      expect(got.map((v) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : v))).toEqual(
        expected.map((v) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : v)),
      );
      expect(got[1]).toBeNaN(); // ∞ + (−∞)
      expect(got[2]).toBe(Infinity); // 3e38 + 3e38 overflows float32
    });
  }
});
