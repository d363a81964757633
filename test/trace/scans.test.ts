// The recorder's per-step scans: the wasm SIMD path must give exactly the JavaScript loops' values
// (the same float64 arithmetic in the same order), whatever the length, and NaN/∞ as Math.max and
// float64 sums give them. The loops themselves are checked against plain definitions.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { l2norm, maxAbsDiff, maxAbsDiffJs, scansInWasm, sumSquaresJs } from "../../src/trace/scans";

/** A seeded generator, so a failure reproduces. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

// up to several 16,384-float chunks, with a partial last one
const LENGTHS = [64, 65, 66, 67, 68, 127, 1000, 4099, 16_384, 16_385, 70_001];

describe("trace scans", () => {
  it("run in wasm on Node (else the comparisons below compare the loops with themselves)", () => {
    expect(scansInWasm()).toBe(true);
  });

  it("maxAbsDiff: the wasm path equals the loop, and the loop is max |b − a| in float32 (NaN when any difference is NaN)", () => {
    const rand = lcg(1);
    for (const n of [1, 3, 5, ...LENGTHS]) {
      const a = new Float32Array(n).map(() => rand() * 4 - 2);
      const b = a.map((x) => (rand() < 0.5 ? x : x + (rand() - 0.5) * 1e-3));
      // float32 differences, as PyTorch's (p - before).abs().max()
      const diffs = new Float32Array(n).map((_, i) => Math.abs(b[i] - a[i]));
      const direct = Math.max(0, ...diffs);
      expect(maxAbsDiffJs(a, b)).toBe(direct);
      expect(maxAbsDiff(a, b)).toBe(direct);
      // the biggest change in the last, partial vector
      b[n - 1] = a[n - 1] + 10;
      expect(maxAbsDiff(a, b)).toBe(Math.fround(Math.abs(b[n - 1] - a[n - 1])));
      b[n >> 1] = Number.NaN;
      expect(maxAbsDiff(a, b)).toBeNaN();
      expect(maxAbsDiffJs(a, b)).toBeNaN();
      b[n >> 1] = a[n >> 1] = Number.POSITIVE_INFINITY; // ∞ − ∞
      expect(maxAbsDiff(a, b)).toBeNaN();
    }
    expect(maxAbsDiff(new Float32Array(100), new Float32Array(100))).toBe(0);
    // 1 − 1e-10 is 0.9999999999 in float64, 1 in float32
    for (const n of [5, 100]) {
      expect(maxAbsDiff(new Float32Array(n).fill(1e-10), new Float32Array(n).fill(1))).toBe(1);
      expect(maxAbsDiffJs(new Float32Array(n).fill(1e-10), new Float32Array(n).fill(1))).toBe(1);
    }
  });

  it("l2norm: the wasm path equals the loop's eight partial sums bit for bit, at every length", () => {
    const rand = lcg(2);
    for (const n of [0, 1, 2, 3, ...LENGTHS]) {
      const d = new Float32Array(n).map(() => (rand() - 0.5) * 3);
      const parts = [0, 0, 0, 0, 0, 0, 0, 0];
      d.forEach((x, i) => (parts[i % 8] += x * x));
      expect(sumSquaresJs(d)).toBe(parts.reduce((sum, p) => sum + p));
      expect(l2norm(d)).toBe(Math.sqrt(sumSquaresJs(d)));
      expect(l2norm(Float64Array.from(d))).toBe(Math.sqrt(sumSquaresJs(d)));
    }
    // squares past float32's range: float64 sums, in both paths
    const big = new Float32Array(200).fill(3e38);
    expect(l2norm(big)).toBe(Math.sqrt(sumSquaresJs(big)));
    expect(Number.isFinite(l2norm(big))).toBe(true);
  });

  it("scans.generated.ts is built from scans.wat", () => {
    expect(() => execFileSync(process.execPath, ["scripts/gen-trace-scans.mjs", "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
