import { afterEach, describe, expect, it } from "vitest";
import { matmulInto as refMatmulInto, bmmInto as refBmmInto } from "../../../src/engine/kernels/matmulRef";
import {
  bmmInto,
  getKernelBackend,
  getWasmMinWork,
  getWasmVariant,
  isWasmAvailable,
  matmulInto,
  setKernelBackend,
  setWasmMinWork,
} from "../../../src/engine/kernels/matmul";
import { loadGemm } from "../../../src/engine/kernels/wasm/loader";
import { enableRelaxedSimd, expectClose, naiveMatmul, randArray, type FloatArray } from "./util";

enableRelaxedSimd();

const SIZES = [1, 3, 17, 63, 65, 130];
const VARIANTS: Array<[boolean, boolean]> = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];
const tname = (tA: boolean, tB: boolean) => `${tA ? "T" : "N"}${tB ? "T" : "N"}`;
const DTYPES = [
  { name: "f32", ctor: Float32Array, rel: 1e-5 },
  { name: "f64", ctor: Float64Array, rel: 1e-13 },
] as const;

// A spread of (m, k, n) triples from the odd sizes, incl. all-equal and skinny ones.
const SHAPES: Array<[number, number, number]> = [];
for (const m of SIZES) for (const k of SIZES) for (const n of SIZES) {
  if (m === k && k === n) SHAPES.push([m, k, n]);
  else if ((m * 7 + k * 3 + n) % 11 === 0) SHAPES.push([m, k, n]);
}
SHAPES.push([1, 130, 1], [130, 1, 130], [65, 63, 17], [17, 300, 9], [7, 600, 33]);
// one row tile (B read in place, not packed): full and partial panels, depth over two blocks
SHAPES.push([5, 300, 17], [1, 520, 40], [4, 64, 1024]);

type Mm = (
  a: FloatArray, b: FloatArray, out: FloatArray, m: number, k: number, n: number,
  tA: boolean, tB: boolean, acc?: boolean, aOff?: number, bOff?: number, oOff?: number,
) => void;

function checkAgainstNaive(mm: Mm, label: string) {
  for (const dt of DTYPES) {
    for (const [tA, tB] of VARIANTS) {
      it(`${label} ${dt.name} ${tname(tA, tB)} matches the naive triple loop`, () => {
        let seed = 1;
        for (const [m, k, n] of SHAPES) {
          const a = randArray(dt.ctor, m * k, seed++);
          const b = randArray(dt.ctor, k * n, seed++);
          const out = new dt.ctor(m * n).fill(Number.NaN); // overwritten, not accumulated
          mm(a, b, out, m, k, n, tA, tB);
          const ref = naiveMatmul(a, b, m, k, n, tA, tB);
          expectClose(out, ref.value, ref.scale, dt.rel, 0, `${m}x${k}x${n}`);
        }
      });
    }
  }
}

function checkAccumulateAndOffsets(mm: Mm, label: string) {
  for (const dt of DTYPES) {
    it(`${label} ${dt.name} accumulate mode and offsets`, () => {
      let seed = 100;
      for (const [tA, tB] of VARIANTS) {
        for (const [m, k, n] of [[17, 63, 65], [3, 1, 130], [65, 130, 3]] as const) {
          const aOff = 5, bOff = 3, oOff = 7;
          const a = randArray(dt.ctor, aOff + m * k + 2, seed++);
          const b = randArray(dt.ctor, bOff + k * n + 2, seed++);
          const init = randArray(dt.ctor, oOff + m * n + 4, seed++);
          const out = init.slice();
          mm(a, b, out, m, k, n, tA, tB, true, aOff, bOff, oOff);
          const ref = naiveMatmul(a, b, m, k, n, tA, tB, aOff, bOff);
          const want = new Float64Array(m * n);
          for (let i = 0; i < m * n; i++) want[i] = init[oOff + i] + ref.value[i];
          expectClose(out.subarray(oOff, oOff + m * n), want, ref.scale, dt.rel, 1e-7, `${label} acc ${tname(tA, tB)}`);
          // untouched outside the window
          for (let i = 0; i < oOff; i++) expect(out[i]).toBe(init[i]);
          for (let i = oOff + m * n; i < out.length; i++) expect(out[i]).toBe(init[i]);
        }
      }
    });
  }
}

describe("matmulRef (TypeScript)", () => {
  checkAgainstNaive(refMatmulInto, "js");
  checkAccumulateAndOffsets(refMatmulInto, "js");

  it("k = 0 gives zeros (or leaves out unchanged when accumulating)", () => {
    const out = new Float32Array([1, 2, 3, 4]);
    refMatmulInto(new Float32Array(0), new Float32Array(0), out, 2, 0, 2, false, false, true);
    expect(Array.from(out)).toEqual([1, 2, 3, 4]);
    refMatmulInto(new Float32Array(0), new Float32Array(0), out, 2, 0, 2, false, false);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
  });

  it("rejects short operands", () => {
    expect(() => refMatmulInto(new Float32Array(5), new Float32Array(6), new Float32Array(4), 2, 3, 2, false, false)).toThrow(RangeError);
  });
});

const wasmOk = isWasmAvailable();

describe.skipIf(!wasmOk)("matmul dispatcher, wasm backend", () => {
  const saved = getWasmMinWork();
  afterEach(() => {
    setKernelBackend("wasm", { variant: "auto" });
    setWasmMinWork(saved);
  });

  it("defaults to wasm when available", () => {
    expect(getKernelBackend()).toBe("wasm");
    expect(["simd", "relaxed-simd"]).toContain(getWasmVariant());
  });

  const forced = (variant: "simd" | "relaxed-simd"): Mm => (...args) => {
    setKernelBackend("wasm", { variant });
    setWasmMinWork(0); // force wasm even for 1×1×1
    matmulInto(...args);
  };

  checkAgainstNaive(forced("simd"), "wasm-simd");
  checkAccumulateAndOffsets(forced("simd"), "wasm-simd");

  describe("relaxed-simd (FMA) build", () => {
    it("loads (relaxed SIMD is on by default from Node 22, behind a flag set above on Node 20)", () => {
      expect(loadGemm("relaxed-simd")?.variant).toBe("relaxed-simd");
    });
    checkAgainstNaive(forced("relaxed-simd"), "wasm-relaxed");
    checkAccumulateAndOffsets(forced("relaxed-simd"), "wasm-relaxed");
  });

  it("wasm agrees with js for all transpose variants (f32 and f64)", () => {
    let seed = 7;
    for (const dt of DTYPES) {
      for (const [tA, tB] of VARIANTS) {
        for (const [m, k, n] of [[130, 65, 63], [64, 512, 10], [1, 17, 130]] as const) {
          const a = randArray(dt.ctor, m * k, seed++);
          const b = randArray(dt.ctor, k * n, seed++);
          const ref = naiveMatmul(a, b, m, k, n, tA, tB);
          const outJs = new dt.ctor(m * n);
          const outWasm = new dt.ctor(m * n);
          setKernelBackend("js");
          matmulInto(a, b, outJs, m, k, n, tA, tB);
          setKernelBackend("wasm");
          setWasmMinWork(0);
          matmulInto(a, b, outWasm, m, k, n, tA, tB);
          expectClose(outWasm, outJs, ref.scale, 2 * dt.rel, 0, `wasm vs js ${dt.name} ${tname(tA, tB)} ${m}x${k}x${n}`);
        }
      }
    }
  });

  it("grows memory for large operands and keeps working afterwards", () => {
    setWasmMinWork(0);
    const m = 300, k = 700, n = 257;
    const a = randArray(Float32Array, m * k, 1);
    const b = randArray(Float32Array, k * n, 2);
    const out = new Float32Array(m * n);
    matmulInto(a, b, out, m, k, n, false, true);
    const ref = naiveMatmul(a, b, m, k, n, false, true);
    expectClose(out, ref.value, ref.scale, 1e-5, 0, "big");
    const small = new Float32Array(4);
    matmulInto(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), small, 2, 2, 2, false, false);
    expect(Array.from(small)).toEqual([19, 22, 43, 50]);
  });

  it("mixed dtypes fall back to js", () => {
    const out = new Float64Array(4);
    matmulInto(new Float32Array([1, 2, 3, 4]), new Float64Array([5, 6, 7, 8]), out, 2, 2, 2, false, false);
    expect(Array.from(out)).toEqual([19, 22, 43, 50]);
  });
});

describe("setKernelBackend", () => {
  it("switches to js and back", () => {
    setKernelBackend("js");
    expect(getKernelBackend()).toBe("js");
    if (wasmOk) {
      setKernelBackend("wasm");
      expect(getKernelBackend()).toBe("wasm");
    } else {
      expect(() => setKernelBackend("wasm")).toThrow();
    }
  });
});

describe("batched matmul", () => {
  const backends = wasmOk ? (["js", "wasm"] as const) : (["js"] as const);
  for (const backend of backends) {
    for (const dt of DTYPES) {
      it(`${backend} ${dt.name}: per-batch strides, stride-0 broadcasting, strideOut-0 reduction, back-to-back outputs (one wasm call) with = and +=`, () => {
        setKernelBackend(backend);
        const saved = getWasmMinWork();
        setWasmMinWork(0);
        try {
          let seed = 300;
          const batch = 4;
          for (const [tA, tB] of VARIANTS) {
            for (const [m, k, n] of [[17, 3, 65], [5, 63, 1], [33, 40, 31]] as const) {
              for (const [bcA, bcB, gap] of [[false, false, 2], [true, false, 2], [false, true, 2], [false, false, 0], [true, false, 0], [false, true, 0]] as const) {
                const sA = bcA ? 0 : m * k + 3;
                const sB = bcB ? 0 : k * n + 1;
                const sO = m * n + gap;
                const a = randArray(dt.ctor, 2 + (batch - 1) * sA + m * k, seed++);
                const b = randArray(dt.ctor, 1 + (batch - 1) * sB + k * n, seed++);
                const out = new dt.ctor((batch - 1) * sO + m * n + 4).fill(0.5);
                const init = out.slice();
                bmmInto(a, b, out, batch, m, k, n, tA, tB, sA, sB, sO, false, 2, 1, 0);
                const added = init.slice();
                bmmInto(a, b, added, batch, m, k, n, tA, tB, sA, sB, sO, true, 2, 1, 0);
                const reduced = randArray(dt.ctor, m * n, seed++);
                const reducedInit = reduced.slice();
                bmmInto(a, b, reduced, batch, m, k, n, tA, tB, sA, sB, 0, true, 2, 1, 0);
                const sum = new Float64Array(m * n);
                const sumScale = new Float64Array(m * n);
                for (let t = 0; t < batch; t++) {
                  const ref = naiveMatmul(a, b, m, k, n, tA, tB, 2 + t * sA, 1 + t * sB);
                  expectClose(out.subarray(t * sO, t * sO + m * n), ref.value, ref.scale, dt.rel, 0, `bmm t=${t}`);
                  expectClose(added.subarray(t * sO, t * sO + m * n), ref.value.map((v) => v + 0.5), ref.scale, dt.rel, 1e-7, `bmm += t=${t}`);
                  for (let i = 0; i < m * n; i++) {
                    sum[i] += ref.value[i];
                    sumScale[i] += ref.scale[i];
                  }
                  // gaps between outputs untouched
                  if (t < batch - 1) {
                    for (let i = t * sO + m * n; i < (t + 1) * sO; i++) expect(out[i]).toBe(init[i]);
                  }
                }
                // and after the last one
                for (let i = batch * sO - gap; i < out.length; i++) expect([out[i], added[i]]).toEqual([init[i], init[i]]);
                const want = new Float64Array(m * n);
                for (let i = 0; i < m * n; i++) want[i] = reducedInit[i] + sum[i];
                expectClose(reduced, want, sumScale, dt.rel, 1e-7, `bmm reduce`);
              }
            }
          }
          // the reference bmm agrees too
          const a = randArray(dt.ctor, 2 * 6, 1), b = randArray(dt.ctor, 3 * 6, 2);
          const o1 = new dt.ctor(2 * 9), o2 = new dt.ctor(2 * 9);
          bmmInto(a, b, o1, 2, 3, 2, 3, true, false, 6, 9, 9);
          refBmmInto(a, b, o2, 2, 3, 2, 3, true, false, 6, 9, 9);
          expectClose(o1, o2, null, dt.rel, 1e-6, "bmm vs ref");
        } finally {
          setWasmMinWork(saved);
          if (wasmOk) setKernelBackend("wasm");
        }
      });
    }
  }

  it("a batch too large to copy at once runs product by product, with the same values", () => {
    const batch = 40, m = 96, k = 96, n = 96; // 40·3·96²·4 B = 4.4 MB of spans
    const a = randArray(Float32Array, batch * m * k, 5), b = randArray(Float32Array, batch * k * n, 6);
    const out = new Float32Array(batch * m * n), one = new Float32Array(m * n);
    bmmInto(a, b, out, batch, m, k, n, false, true, m * k, k * n, m * n);
    for (const t of [0, batch - 1]) {
      matmulInto(a, b, one, m, k, n, false, true, false, t * m * k, t * k * n);
      expect(Array.from(out.subarray(t * m * n, (t + 1) * m * n))).toEqual(Array.from(one));
    }
  });

  it("rejects overlapping outputs without accumulate", () => {
    const x = new Float32Array(8);
    expect(() => bmmInto(x, x, new Float32Array(8), 2, 2, 2, 2, false, false, 4, 4, 0)).toThrow(RangeError);
  });
});
