// erfF32 against the float64-exact erf of ops/unary.ts (and a few exact values): within about one
// float32 ulp of the result everywhere, NaN and ±∞ as Math functions treat them.
import { describe, expect, it } from "vitest";
import { erfF32 } from "../../../src/engine/kernels/erf";
import { erf } from "../../../src/engine/ops/unary";

describe("erfF32", () => {
  it("is within 1.5 float32 ulps of the exact erf on [−6, 6]", () => {
    let worst = 0;
    for (let i = -60000; i <= 60000; i++) {
      const x = i / 10000;
      const want = erf(x), got = erfF32(x);
      const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(want), 1e-38))) - 23);
      worst = Math.max(worst, Math.abs(got - want) / ulp);
    }
    expect(worst).toBeLessThan(1.5);
  });

  it("keeps tiny arguments' relative accuracy, odd symmetry and the limits", () => {
    for (const x of [1e-30, 1e-8, 3e-4, 0.4999, 0.5, 1, 2.5, 3.99, 4]) {
      expect(Math.abs(erfF32(x) - erf(x))).toBeLessThanOrEqual(1.5e-7 * Math.abs(erf(x)));
      expect(erfF32(-x)).toBe(-erfF32(x));
    }
    expect(erfF32(0)).toBe(0);
    expect(erfF32(Infinity)).toBe(1);
    expect(erfF32(-Infinity)).toBe(-1);
    expect(erfF32(Number.NaN)).toBeNaN();
  });
});

describe("GELU on float32 (kernels/gelu.ts, erfF32)", () => {
  it("matches the float64 forward and backward (checked against PyTorch's fixtures) to float32 accuracy", async () => {
    const { tensor } = await import("../../../src/engine/index");
    const xs = Array.from({ length: 241 }, (_, i) => (i - 120) / 20); // [−6, 6]
    const run = (dtype: "float32" | "float64") => {
      const x = tensor(xs, { dtype, requiresGrad: true });
      const y = x.gelu();
      y.mul(tensor(xs.map((_, i) => 1 + i / 100), { dtype })).sum().backward();
      return { y: Array.from(y.dataSync()), dx: Array.from(x.grad!.dataSync()) };
    };
    const f32 = run("float32"), f64 = run("float64");
    for (let i = 0; i < xs.length; i++) {
      expect(Math.abs(f32.y[i]! - f64.y[i]!)).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(f64.y[i]!)));
      expect(Math.abs(f32.dx[i]! - f64.dx[i]!)).toBeLessThanOrEqual(3e-7 * Math.max(1, Math.abs(f64.dx[i]!)));
    }
  });
});
