// The block generators (fillUniform, fillKeepMask) must draw exactly the values randomUniform would,
// in the same order, and leave the generator where it would be: seeded models and dropout masks keep
// their values.
import { describe, expect, it } from "vitest";
import { fillKeepMask, fillUniform, manualSeed, randomUniform } from "../../src/engine/random";

const N = 4096 * 2 + 37; // more than one block, and a partial one

function reference(n: number): number[] {
  return Array.from({ length: n }, () => randomUniform());
}

describe("random blocks", () => {
  it("fillUniform draws randomUniform's sequence, scaled, at an offset, and continues it", () => {
    manualSeed(7);
    const want = reference(N + 3);
    manualSeed(7);
    const got = new Float32Array(N + 5).fill(-9);
    fillUniform(got, 2, N, -0.5, 0.25);
    expect(got[0]).toBe(-9);
    expect(got[N + 2]).toBe(-9);
    for (let i = 0; i < N; i++) {
      if (got[i + 2] !== Math.fround(-0.5 + 0.75 * want[i]!)) throw new Error(`value ${i}: ${got[i + 2]} vs ${want[i]}`);
    }
    expect(reference(3)).toEqual(want.slice(N));
  });

  it("fillUniform into a plain array keeps float64 values", () => {
    manualSeed(3);
    const want = reference(10);
    manualSeed(3);
    const got: number[] = [];
    fillUniform(got, 0, 10);
    expect(got).toEqual(want);
  });

  it("fillKeepMask keeps a unit where randomUniform() >= p", () => {
    manualSeed(11);
    const want = reference(N).map((u): number => (u >= 0.3 ? 1 : 0));
    manualSeed(11);
    const mask = new Uint8Array(N);
    fillKeepMask(mask, 0.3);
    expect(Array.from(mask)).toEqual(want);
    const kept = want.reduce((a, b) => a + b, 0) / N;
    expect(kept).toBeGreaterThan(0.65);
    expect(kept).toBeLessThan(0.75);
  });
});
