// The optimizer kernels (src/engine/kernels/optim.ts): the wasm f32x4 updates against the reference
// loops computed in float64 on the same inputs, over every option that changes the formula, for
// several steps (state carried between them), both wasm builds, and the dispatch rules.
import { describe, expect, it } from "vitest";
import { adamUpdate, rmspropUpdate, sgdUpdate } from "../../../src/engine/kernels/optim";
import { adamRef, rmspropRef, sgdRef, type AdamHyper, type RmspropHyper, type SgdHyper } from "../../../src/engine/kernels/optimRef";
import { getKernelBackend, getWasmVariant, setKernelBackend } from "../../../src/engine/kernels/matmul";
import { expectClose, kernelBackendFixture, randArray } from "./util";

kernelBackendFixture({ dispatcherThresholds: true });

// 64 is the smallest size the dispatcher sends to wasm; 67 and 1001 leave a partial last vector
const SIZES = [64, 67, 1001];
const OFFSET = 5; // the parameter is a view into a larger storage
const STEPS = 3;
// float32 arithmetic against float64: a few ulps per step, relative to the values' scale
const REL = 2e-6;

const f64 = (a: Float32Array) => Float64Array.from(a);

/** An update's rounding error is relative to the old value and the change, not to their difference. */
const scaleOf = (before: Float64Array, after: Float64Array): Float64Array =>
  before.map((b, i) => Math.abs(b) + Math.abs(after[i]! - b));

/** Runs `steps` updates with fresh gradients on float32 arrays and on float64 copies. */
function compare(
  label: string, n: number, stateCount: number, seed: number,
  update: (d: Float32Array, g: Float32Array, state: Float32Array[], step: number) => void,
  reference: (d: Float64Array, g: Float64Array, state: Float64Array[], step: number) => void,
  /** which state arrays start at zero (the others: random, non-negative like second moments) */
  zeroState: (i: number) => boolean = () => false,
): void {
  const d = randArray(Float32Array, n + 2 * OFFSET, seed) as Float32Array;
  const state = Array.from({ length: stateCount }, (_, i) =>
    zeroState(i) ? new Float32Array(n) : (randArray(Float32Array, n, seed + 100 + i) as Float32Array).map(Math.abs),
  );
  const d64 = f64(d), state64 = state.map(f64);
  for (let step = 1; step <= STEPS; step++) {
    const g = randArray(Float32Array, n, seed + 10 * step) as Float32Array;
    const before = [Float64Array.from(d64), ...state64.map((s) => Float64Array.from(s))];
    update(d, g, state, step);
    reference(d64, f64(g), state64, step);
    expectClose(d, d64, scaleOf(before[0]!, d64), REL * step, 1e-30, `${label} param, step ${step}`);
    state.forEach((s, i) => expectClose(s, state64[i]!, scaleOf(before[i + 1]!, state64[i]!), REL * step, 1e-30, `${label} state ${i}, step ${step}`));
  }
  // the elements around the view are untouched
  expect(d[OFFSET - 1]).toBe(Math.fround(d64[OFFSET - 1]!));
  expect(d[OFFSET + n]).toBe(Math.fround(d64[OFFSET + n]!));
}

const SGD_CASES: Array<Omit<SgdHyper, "first">> = [
  { lr: 0.1, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, maximize: false },
  { lr: 0.05, weightDecay: 0.01, momentum: 0, dampening: 0, nesterov: false, maximize: true },
  { lr: 0.1, weightDecay: 0, momentum: 0.9, dampening: 0, nesterov: false, maximize: false },
  { lr: 0.1, weightDecay: 1e-3, momentum: 0.9, dampening: 0.1, nesterov: false, maximize: false },
  { lr: 0.02, weightDecay: 1e-2, momentum: 0.8, dampening: 0, nesterov: true, maximize: true },
];

const ADAM_CASES: Array<Omit<AdamHyper, "stepSize" | "bc2Sqrt">> = [
  { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, maximize: false },
  { lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: false, amsgrad: true, maximize: false },
  { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, amsgrad: false, maximize: true },
  { lr: 3e-3, beta1: 0.5, beta2: 0.9, eps: 1e-3, weightDecay: 0.05, decoupled: true, amsgrad: true, maximize: false },
];

const RMSPROP_CASES: RmspropHyper[] = [
  { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
  { lr: 1e-2, alpha: 0.9, eps: 1e-6, weightDecay: 0.01, momentum: 0.9, centered: false, maximize: true },
  { lr: 5e-3, alpha: 0.95, eps: 1e-4, weightDecay: 0, momentum: 0, centered: true, maximize: false },
  { lr: 1e-3, alpha: 0.8, eps: 1e-5, weightDecay: 0.1, momentum: 0.5, centered: true, maximize: false },
];

const adamHyper = (c: (typeof ADAM_CASES)[number], step: number): AdamHyper => ({
  ...c, stepSize: c.lr / (1 - c.beta1 ** step), bc2Sqrt: Math.sqrt(1 - c.beta2 ** step),
});

function checkAll(variantLabel: string): void {
  it(`SGD (${variantLabel}) matches the reference loop`, () => {
    let seed = 1;
    for (const c of SGD_CASES) for (const n of SIZES) {
      const buf = c.momentum !== 0;
      compare(
        `sgd ${JSON.stringify(c)} n=${n}`, n, buf ? 1 : 0, seed++,
        (d, g, s, step) => sgdUpdate(d, OFFSET, g, buf ? s[0]! : null, n, { ...c, first: step === 1 }),
        (d, g, s, step) => sgdRef(d, OFFSET, g, buf ? s[0]! : null, n, { ...c, first: step === 1 }),
      );
    }
  });

  it(`Adam/AdamW (${variantLabel}) matches the reference loop`, () => {
    let seed = 1000;
    for (const c of ADAM_CASES) for (const n of SIZES) {
      const count = c.amsgrad ? 3 : 2;
      compare(
        `adam ${JSON.stringify(c)} n=${n}`, n, count, seed++,
        (d, g, [m, v, vmax], step) => adamUpdate(d, OFFSET, g, m!, v!, vmax ?? null, n, adamHyper(c, step)),
        (d, g, [m, v, vmax], step) => adamRef(d, OFFSET, g, m!, v!, vmax ?? null, n, adamHyper(c, step)),
      );
    }
  });

  it(`RMSprop (${variantLabel}) matches the reference loop`, () => {
    let seed = 2000;
    for (const c of RMSPROP_CASES) for (const n of SIZES) {
      // state: square average, then the momentum buffer and/or the centered gradient average
      const slots = { buf: c.momentum > 0 ? 1 : -1, ga: c.centered ? (c.momentum > 0 ? 2 : 1) : -1 };
      const count = 1 + (c.momentum > 0 ? 1 : 0) + (c.centered ? 1 : 0);
      const pick = <T,>(s: T[], i: number): T | null => (i < 0 ? null : s[i]!);
      compare(
        `rmsprop ${JSON.stringify(c)} n=${n}`, n, count, seed++,
        (d, g, s) => rmspropUpdate(d, OFFSET, g, s[0]!, pick(s, slots.buf), pick(s, slots.ga), n, c),
        (d, g, s) => rmspropRef(d, OFFSET, g, s[0]!, pick(s, slots.buf), pick(s, slots.ga), n, c),
        (i) => i === slots.ga, // a centered average starting at 0 stays below the square average
      );
    }
  });
}

describe("optimizer kernels, wasm SIMD build", () => {
  it("runs in wasm", () => {
    setKernelBackend("wasm", { variant: "simd" });
    expect(getWasmVariant()).toBe("simd");
  });
  checkAll("simd");
});

describe("optimizer kernels, wasm relaxed-SIMD build", () => {
  it("runs in wasm", () => {
    setKernelBackend("wasm", { variant: "relaxed-simd" });
    expect(getWasmVariant()).toBe("relaxed-simd");
  });
  checkAll("relaxed-simd");
});

describe("optimizer kernels, JS kernel set", () => {
  it("selects the JS loops", () => {
    setKernelBackend("js");
    expect(getKernelBackend()).toBe("js");
  });
  checkAll("js");
});

describe("optimizer kernels over several chunks", () => {
  // kernels/optim.ts copies 8192 elements at a time: one update of 20 001 elements (three chunks, the
  // last partial, at an offset) must equal, bit for bit, the updates of its pieces in single calls
  const N = 20001, PIECES = [[0, 8192], [8192, 16384], [16384, N]] as const;
  const run = (update: (d: Float32Array, o: number, g: Float32Array, s: Float32Array[], n: number) => void, states: number) => {
    const d = randArray(Float32Array, N + OFFSET, 31) as Float32Array, g = randArray(Float32Array, N, 32) as Float32Array;
    const s = Array.from({ length: states }, (_, i) => (randArray(Float32Array, N, 40 + i) as Float32Array).map(Math.abs));
    const whole = { d: d.slice(), s: s.map((x) => x.slice()) };
    update(whole.d, OFFSET, g, whole.s, N);
    const pieces = { d: d.slice(), s: s.map((x) => x.slice()) };
    for (const [a, b] of PIECES) update(pieces.d.subarray(a), OFFSET, g.subarray(a, b), pieces.s.map((x) => x.subarray(a, b)), b - a);
    expect(Array.from(whole.d)).toEqual(Array.from(pieces.d));
    whole.s.forEach((x, i) => expect(Array.from(x)).toEqual(Array.from(pieces.s[i]!)));
  };
  it.each(["simd", "relaxed-simd"] as const)("SGD, Adam and RMSprop give what the chunks give alone (%s)", (variant) => {
    setKernelBackend("wasm", { variant });
    const sgd: SgdHyper = { ...SGD_CASES[4]!, first: false };
    run((d, o, g, [b], n) => sgdUpdate(d, o, g, b!, n, sgd), 1);
    run((d, o, g, [m, v, vmax], n) => adamUpdate(d, o, g, m!, v!, vmax!, n, adamHyper(ADAM_CASES[3]!, 2)), 3);
    run((d, o, g, [sq, buf, ga], n) => rmspropUpdate(d, o, g, sq!, buf!, ga!, n, RMSPROP_CASES[3]!), 3);
  });
});

describe("optimizer kernel dispatch", () => {
  it("float32 updates in wasm differ from the float64-rounded JS loop only by rounding; float64 stays exact", () => {
    setKernelBackend("wasm", { variant: "simd" });
    const n = 257;
    const h: SgdHyper = { lr: 0.1, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, maximize: false, first: true };
    // float64 parameters take the reference loop: bit-identical results
    const d = randArray(Float64Array, n, 7), g = randArray(Float64Array, n, 8);
    const want = Float64Array.from(d);
    sgdRef(want, 0, g, null, n, h);
    sgdUpdate(d, 0, g, null, n, h);
    expect(Array.from(d)).toEqual(Array.from(want));
  });

  it("AMSGrad's running maximum propagates NaN as torch.maximum does, in both kernel sets", () => {
    for (const backend of ["wasm", "js"] as const) {
      setKernelBackend(backend, { variant: "simd" });
      const n = 64;
      const d = new Float32Array(n).fill(1), g = new Float32Array(n).fill(0.5);
      const m = new Float32Array(n), v = new Float32Array(n), vmax = new Float32Array(n).fill(Number.NaN);
      adamUpdate(d, 0, g, m, v, vmax, n, adamHyper(ADAM_CASES[1]!, 1));
      expect(Number.isNaN(vmax[0]!)).toBe(true);
      expect(Number.isNaN(d[0]!)).toBe(true);
    }
  });
});
