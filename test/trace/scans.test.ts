// The recorder's per-step scans: the wasm SIMD path must give exactly the JavaScript loops' values
// (the same arithmetic in the same order), whatever the length. The loops themselves are checked
// against plain definitions: the fingerprint against "some element's value differs (−0 = +0), or a
// NaN or ±∞ is there", the sum of squares against eight partial sums.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { changedBetween, fingerprint, fingerprintJs, l2norm, scansInWasm, sumSquaresJs, type Fingerprint } from "../../src/trace/scans";

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

  /** Both paths' fingerprints of `values`, which must agree bit for bit. */
  function print(values: Float32Array | Float64Array): Fingerprint | null {
    const wasm = fingerprint(values), js = fingerprintJs(values);
    expect(wasm === null ? null : [wasm.length, [...wasm.a], [...wasm.b]]).toEqual(js === null ? null : [js.length, [...js.a], [...js.b]]);
    return wasm;
  }
  const changed = (a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean => changedBetween(print(a), print(b));
  /** the next float32 up in magnitude: the smallest change an element can have */
  const nudge32 = (x: number): number => {
    const bits = new Uint32Array(Float32Array.of(x).buffer);
    bits[0]! += 1;
    return new Float32Array(bits.buffer)[0]!;
  };

  // the chunk boundary, ±1, and the tails of lengths that are not a multiple of 8 or 16
  const POSITIONS = (n: number): number[] => [...new Set([0, 1, n - 1, n - 2, 16_383, 16_384, 16_385, 15, 16, 17].filter((i) => i >= 0 && i < n))];

  it("fingerprint: equal values (−0 and +0 alike) print alike, in both paths, at every length", () => {
    const rand = lcg(3);
    for (const n of [0, 1, 2, 3, 5, 15, 16, 17, 63, ...LENGTHS]) {
      const a = new Float32Array(n).map((_, i) => (i % 3 === 1 ? 0 : rand() * 4 - 2));
      expect(changed(a, a.slice())).toBe(false);
      const negZeros = a.map((x) => (x === 0 ? -0 : x));
      if (n >= 2) expect(negZeros.some((x) => Object.is(x, -0))).toBe(true);
      expect(changed(a, negZeros)).toBe(false);
      expect(changed(Float64Array.from(a), Float64Array.from(negZeros))).toBe(false);
    }
    expect(print(new Float32Array(0))).toEqual({ length: 0, a: expect.any(Int32Array), b: expect.any(Int32Array) });
  });

  it("fingerprint: one changed element always changes it, wherever it is, by however little", () => {
    const rand = lcg(4);
    for (const n of [1, 2, 3, 5, 17, 63, ...LENGTHS]) {
      const a = new Float32Array(n).map(() => rand() * 4 - 2);
      for (const i of POSITIONS(n)) {
        for (const to of [nudge32(a[i]!), -a[i]!, a[i]! + 1, 0]) {
          const b = a.slice();
          b[i] = to;
          expect(changed(a, b), `n=${n} i=${i}`).toBe(true);
          const b64 = Float64Array.from(a);
          b64[i] = to;
          expect(changed(Float64Array.from(a), b64), `float64 n=${n} i=${i}`).toBe(true);
        }
      }
      // the float64 path's one-ulp change is in the low word only
      const a64 = Float64Array.from(a), b64 = a64.slice();
      b64[n - 1] = a64[n - 1]! * (1 + 2 ** -52);
      expect(b64[n - 1]).not.toBe(a64[n - 1]);
      expect(changed(a64, b64)).toBe(true);
    }
  });

  it("fingerprint: several changed elements change it (sign flips in one lane, random updates)", () => {
    const rand = lcg(5);
    const n = 40_003;
    const a = new Float32Array(n).map(() => rand() * 4 - 2);
    // two sign flips in one lane (16 apart) cancel in a xor-multiply hash's top bit alone; in two
    // lanes (1 or 3 apart) they would in an xor of lanes
    for (const i of [0, 100, 16_380, n - 17]) {
      for (const apart of [16, 1, 3]) {
        const b = a.slice();
        b[i] = -b[i]!;
        b[i + apart] = -b[i + apart]!;
        expect(changed(a, b), `i=${i} apart=${apart}`).toBe(true);
      }
    }
    // a constant stepped to another constant (a zero bias after its first step): equal changes in
    // every lane
    for (const len of [1, 2, 3, 8, 16, 17, 100, 16_385]) {
      expect(changed(new Float32Array(len), new Float32Array(len).fill(-2)), `len=${len}`).toBe(true);
      expect(changed(new Float32Array(len).fill(0.5), new Float32Array(len).fill(0.25)), `len=${len}`).toBe(true);
    }
    for (let trial = 0; trial < 50; trial++) {
      const b = a.map((x) => (rand() < 0.01 ? x - (rand() - 0.5) * 1e-3 : x));
      expect(changed(a, b)).toBe(b.some((x, i) => x !== a[i]));
    }
  });

  it("fingerprint: a NaN or ±∞ anywhere, before or after, counts as changed (|after − before| is NaN or ∞)", () => {
    for (const n of [1, 3, 64, 16_385, 70_001]) {
      for (const i of POSITIONS(n)) {
        for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const a = new Float32Array(n).fill(0.5);
          const b = a.slice();
          b[i] = bad;
          expect(print(b)).toBeNull();
          expect(print(Float64Array.from(b))).toBeNull();
          expect(changed(a, b)).toBe(true);
          expect(changed(b, a)).toBe(true);
          expect(changed(b, b.slice())).toBe(true); // ∞ − ∞ is NaN
        }
      }
    }
    // the largest finite values are finite
    expect(print(new Float32Array(100).fill(3.4028234663852886e38))).not.toBeNull();
    expect(print(new Float32Array(100).fill(-3.4028234663852886e38))).not.toBeNull();
    expect(print(new Float64Array(100).fill(-Number.MAX_VALUE))).not.toBeNull();
  });

  it("fingerprint: a different length is a change; bool/uint8 values hash as themselves", () => {
    expect(changedBetween(print(new Float32Array(100)), print(new Float32Array(101)))).toBe(true);
    const u = Uint8Array.of(0, 1, 1, 0, 1);
    const v = u.slice();
    expect(changedBetween(fingerprint(u), fingerprint(v))).toBe(false);
    v[4] = 0;
    expect(changedBetween(fingerprint(u), fingerprint(v))).toBe(true);
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
