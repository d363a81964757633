// @ts-nocheck -- AssemblyScript source (compiled by scripts/build-wasm.mjs), not plain TypeScript.
//
// Exact (erf) GELU and its gradient on float32 arrays, two lanes at a time in float64 (f64x2): the
// formulas of kernels/erf.ts and kernels/gelu.ts evaluated as the JavaScript loops evaluate them (in
// float64, rounded once to float32), so both kernel sets give the same float32 results but for a
// rare rounding tie. exp has no SIMD instruction: a range-reduced Taylor polynomial accurate to
// ~2e-16 relative stands in for Math.exp. The host rounds each region up to whole vectors (the extra
// lanes are scratch, never copied back).

// erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!·(2n+1)) for |x| < 0.5 (kernels/erf.ts's SERIES)
const S0: f64 = 1.1283791670955126;
const S1: f64 = -0.37612638903183754;
const S2: f64 = 0.11283791670955126;
const S3: f64 = -0.026866170645131252;
const S4: f64 = 0.005223977625442188;
const S5: f64 = -0.0008548327023450852;
const S6: f64 = 0.00012055332981789664;
const S7: f64 = -0.00001492565035840625;
const S8: f64 = 0.0000016462114365889246;

const SQRT1_2: f64 = 0.7071067811865476;
const INV_SQRT_2PI: f64 = 0.3989422804014327;

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
/** 1.5·2⁵²: adding it rounds to an integer that then sits in the low mantissa bits */
const ROUND: f64 = 6755399441055744.0;
/** below this exp underflows to 0 (as Math.exp) and 2ⁿ would leave the normal range */
const EXP_MIN: f64 = -708.0;

@inline
function splat(x: f64): v128 {
  return f64x2.splat(x);
}

/** exp of both lanes: x = n·ln2 + r, |r| ≤ ln2/2, exp(r) by Taylor to r¹², times 2ⁿ from its bits. */
@inline
function exp2(x: v128): v128 {
  const under = f64x2.lt(x, splat(EXP_MIN));
  const xc = f64x2.max(x, splat(EXP_MIN));
  const k = f64x2.add(f64x2.mul(xc, splat(LOG2E)), splat(ROUND));
  const n = f64x2.sub(k, splat(ROUND));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(n, splat(LN2_HI))), f64x2.mul(n, splat(LN2_LO)));
  let p = splat(1.0 / 479001600.0);
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0));
  // 2ⁿ: n sits in k's low bits (k − ROUND's bits = n, two's complement)
  const bits = i64x2.sub(k, splat(ROUND));
  const scale = i64x2.shl(i64x2.add(bits, i64x2.splat(1023)), 52);
  return v128.andnot(f64x2.mul(p, scale), under);
}

/** erfF32 (kernels/erf.ts) on both lanes: the series below |x| = 0.5, ±1 from 4, 1 − erfc between. */
@inline
function erf2(x: v128): v128 {
  const ax = f64x2.abs(x);
  const x2 = f64x2.mul(x, x);
  let s = splat(S8);
  s = f64x2.add(f64x2.mul(s, x2), splat(S7));
  s = f64x2.add(f64x2.mul(s, x2), splat(S6));
  s = f64x2.add(f64x2.mul(s, x2), splat(S5));
  s = f64x2.add(f64x2.mul(s, x2), splat(S4));
  s = f64x2.add(f64x2.mul(s, x2), splat(S3));
  s = f64x2.add(f64x2.mul(s, x2), splat(S2));
  s = f64x2.add(f64x2.mul(s, x2), splat(S1));
  s = f64x2.add(f64x2.mul(s, x2), splat(S0));
  const small = f64x2.mul(x, s);
  const t = f64x2.div(splat(1.0), f64x2.add(splat(1.0), f64x2.mul(splat(0.5), ax)));
  let q = splat(0.17087277);
  q = f64x2.add(splat(-0.82215223), f64x2.mul(t, q));
  q = f64x2.add(splat(1.48851587), f64x2.mul(t, q));
  q = f64x2.add(splat(-1.13520398), f64x2.mul(t, q));
  q = f64x2.add(splat(0.27886807), f64x2.mul(t, q));
  q = f64x2.add(splat(-0.18628806), f64x2.mul(t, q));
  q = f64x2.add(splat(0.09678418), f64x2.mul(t, q));
  q = f64x2.add(splat(0.37409196), f64x2.mul(t, q));
  q = f64x2.add(splat(1.00002368), f64x2.mul(t, q));
  const arg = f64x2.add(f64x2.sub(f64x2.neg(f64x2.mul(ax, ax)), splat(1.26551223)), f64x2.mul(t, q));
  const erfc = f64x2.mul(t, exp2(arg));
  const positive = f64x2.gt(x, splat(0.0));
  const mid = v128.bitselect(f64x2.sub(splat(1.0), erfc), f64x2.sub(erfc, splat(1.0)), positive);
  const one = v128.bitselect(splat(1.0), splat(-1.0), positive);
  const far = v128.bitselect(one, mid, f64x2.ge(ax, splat(4.0)));
  return v128.bitselect(small, far, f64x2.lt(ax, splat(0.5)));
}

@inline
function pairs(n: i32): i32 {
  return (n + 1) >> 1;
}

/** out[i] = ½·x·(1 + erf(x/√2)) for i < n (float32 arrays at byte offsets x, out). */
export function geluF32(x: usize, out: usize, n: i32): void {
  const count = pairs(n);
  for (let i = 0; i < count; i++) {
    const off = <usize>i << 3;
    const v = f64x2.promote_low_f32x4(v128.load64_zero(x + off));
    const e = erf2(f64x2.mul(v, splat(SQRT1_2)));
    const y = f64x2.mul(f64x2.mul(splat(0.5), v), f64x2.add(splat(1.0), e));
    v128.store64_lane(out + off, f32x4.demote_f64x2_zero(y), 0);
  }
}

/** out[i] = g[i]·(Φ(x) + x·φ(x)) for i < n, the gradient of geluF32. */
export function geluBackwardF32(g: usize, x: usize, out: usize, n: i32): void {
  const count = pairs(n);
  for (let i = 0; i < count; i++) {
    const off = <usize>i << 3;
    const v = f64x2.promote_low_f32x4(v128.load64_zero(x + off));
    const gv = f64x2.promote_low_f32x4(v128.load64_zero(g + off));
    const cdf = f64x2.mul(splat(0.5), f64x2.add(splat(1.0), erf2(f64x2.mul(v, splat(SQRT1_2)))));
    const pdfTerm = f64x2.mul(f64x2.mul(v, exp2(f64x2.mul(f64x2.mul(splat(-0.5), v), v))), splat(INV_SQRT_2PI));
    v128.store64_lane(out + off, f32x4.demote_f64x2_zero(f64x2.mul(gv, f64x2.add(cdf, pdfTerm))), 0);
  }
}
