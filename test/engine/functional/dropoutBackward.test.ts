// Dropout's backward is grad · mask · 1/(1−p) (PyTorch's native_dropout_backward): the one-pass path
// (no graph recorded) and the differentiable one (createGraph) give the same values, and a NaN in the
// incoming gradient stays NaN on a dropped unit, as 0 · NaN does in PyTorch.
import { describe, expect, it } from "vitest";
import { F, autograd, manualSeed, randn, tensor } from "../../../src/engine/index";

describe("dropout backward", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`is grad · mask / (1 − p) (${dtype}), with and without createGraph`, () => {
      manualSeed(5);
      const p = 0.3, scale = 1 / (1 - p);
      const x = randn([4, 50], { dtype }).requiresGrad_();
      const y = F.dropout(x, p);
      const g = randn([4, 50], { dtype });
      const [fast] = autograd.grad([y], [x], { gradOutputs: [g], retainGraph: true });
      const [graphed] = autograd.grad([y], [x], { gradOutputs: [g], createGraph: true });
      const yd = y.dataSync(), xd = x.dataSync(), gd = g.dataSync();
      let kept = 0;
      for (let i = 0; i < yd.length; i++) {
        const keep = yd[i] !== 0 ? 1 : 0; // x is never exactly 0 here
        kept += keep;
        const want = dtype === "float32" ? Math.fround(gd[i]! * keep * scale) : gd[i]! * keep * scale;
        expect(fast!.dataSync()[i]).toBe(want);
        expect(yd[i]).toBe(keep ? (dtype === "float32" ? Math.fround(xd[i]! * scale) : xd[i]! * scale) : 0);
      }
      expect(Array.from(graphed!.dataSync())).toEqual(Array.from(fast!.dataSync()));
      expect(kept).toBeGreaterThan(100);
      expect(kept).toBeLessThan(180);
    });
  }

  it("keeps a NaN gradient NaN on dropped units", () => {
    manualSeed(1);
    const x = randn([200]).requiresGrad_();
    const y = F.dropout(x, 0.5);
    y.backward(tensor(new Array(200).fill(Number.NaN)));
    expect(Array.from(x.grad!.dataSync()).every((v) => Number.isNaN(v))).toBe(true);
  });
});
