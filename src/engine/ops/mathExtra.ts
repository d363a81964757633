import type { Tensor } from "../tensor";
import { aliasOf } from "../functional/raw";
import { record, recordNonDifferentiable } from "../autograd/record";
import { mapUnary, zipBinary } from "./elementwise";
import { add, sub, mul, div, pow, neg, where, maximum, scalarTensor } from "./binary";
import { exp, log, sqrt, sin, cos, sigmoid, tanh, relu, abs, clamp, erf as erfScalar } from "./unary";
import { compare } from "./compare";
import { promote, type DType } from "../dtype";
import { applyInPlace } from "./inplace";
import { registerOp } from "./registry";

// Elementwise math beyond the core set. Where a formula of existing ops is exact it is used as is;
// the rest record one node whose backward is written with differentiable ops (createGraph works).

type Operand = Tensor | number;

function floatDtype(x: Tensor): DType {
  return x.dtype === "float64" ? "float64" : "float32";
}

function asT(v: Operand, like: Tensor): Tensor {
  return typeof v === "number" ? scalarTensor(v).to(floatDtype(like)) : v;
}

registerOp({ name: "asin", gradFns: ["AsinBackward0"] });
export function asin(x: Tensor): Tensor {
  const out = mapUnary(x, Math.asin, floatDtype(x));
  return record("asin", "AsinBackward0", [x], out, (g, n) => [div(g, sqrt(oneMinusSq(n.saved(0))))], { saved: [x] });
}
function oneMinusSq(x: Tensor): Tensor {
  return neg(sub(mul(x, x), 1));
}
registerOp({ name: "acos", gradFns: ["AcosBackward0"] });
export function acos(x: Tensor): Tensor {
  const out = mapUnary(x, Math.acos, floatDtype(x));
  return record("acos", "AcosBackward0", [x], out, (g, n) => [neg(div(g, sqrt(oneMinusSq(n.saved(0)))))], { saved: [x] });
}
registerOp({ name: "atan", gradFns: ["AtanBackward0"] });
export function atan(x: Tensor): Tensor {
  const out = mapUnary(x, Math.atan, floatDtype(x));
  return record("atan", "AtanBackward0", [x], out, (g, n) => [div(g, add(mul(n.saved(0), n.saved(0)), 1))], { saved: [x] });
}
registerOp({ name: "atan2", gradFns: ["Atan2Backward0"] });
export function atan2(y: Tensor, x: Tensor): Tensor {
  const out = zipBinary(y, x, Math.atan2, promote(floatDtype(y), floatDtype(x)), "atan2");
  return record("atan2", "Atan2Backward0", [y, x], out, (g, n) => {
    const yy = n.saved(0), xx = n.saved(1);
    const r2 = add(mul(xx, xx), mul(yy, yy));
    return [unb(mul(g, div(xx, r2)), y.shape), unb(mul(g, div(neg(yy), r2)), x.shape)];
  }, { saved: [y, x] });
}
function unb(g: Tensor, shape: readonly number[]): Tensor {
  // sum broadcast dims back (same rule as the binary ops)
  let out = g;
  while (out.dim() > shape.length) out = out.sum(0);
  shape.forEach((s, i) => { if (s === 1 && out.shape[i] !== 1) out = out.sum(i, true); });
  return out;
}
export function sinh(x: Tensor): Tensor {
  return mul(sub(exp(x), exp(neg(x))), 0.5);
}
export function cosh(x: Tensor): Tensor {
  return mul(add(exp(x), exp(neg(x))), 0.5);
}
export function tan(x: Tensor): Tensor {
  return div(sin(x), cos(x));
}
registerOp({ name: "erf", gradFns: ["ErfBackward0"] });
export function erf(x: Tensor): Tensor {
  const out = mapUnary(x, erfScalar, floatDtype(x));
  return record("erf", "ErfBackward0", [x], out, (g, n) => [mul(g, mul(exp(neg(mul(n.saved(0), n.saved(0)))), 2 / Math.sqrt(Math.PI)))], { saved: [x] });
}
export function exp2(x: Tensor): Tensor {
  return pow(2, x);
}
registerOp({ name: "expm1", gradFns: ["Expm1Backward0"] });
export function expm1(x: Tensor): Tensor {
  const out = mapUnary(x, Math.expm1, floatDtype(x));
  return record("expm1", "Expm1Backward0", [x], out, (g, n) => [mul(g, add(n.saved(0), 1))], { savedOutputs: [out] });
}
export function log2(x: Tensor): Tensor {
  return div(log(x), Math.LN2);
}
export function log10(x: Tensor): Tensor {
  return div(log(x), Math.LN10);
}
export function logit(x: Tensor, eps: number | null = null): Tensor {
  const z = eps === null ? x : clamp(x, eps, 1 - eps);
  return log(div(z, neg(sub(z, 1))));
}
registerOp({ name: "reciprocal", gradFns: ["ReciprocalBackward0"] });
export function reciprocal(x: Tensor): Tensor {
  const out = mapUnary(x, (v) => 1 / v, floatDtype(x));
  return record("reciprocal", "ReciprocalBackward0", [x], out, (g, n) => [mul(g, neg(mul(n.saved(0), n.saved(0))))], { savedOutputs: [out] });
}

/** floor/ceil/round/trunc: piecewise constant, so a zero gradient (as PyTorch). */
function stepFn(name: string, gradFn: string, f: (v: number) => number) {
  registerOp({ name, gradFns: [gradFn] });
  return (x: Tensor): Tensor => {
    const out = mapUnary(x, f);
    return record(name, gradFn, [x], out, (g) => [mul(g, 0)]);
  };
}
/** Round half to even, as torch.round. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
export const floor = stepFn("floor", "FloorBackward0", Math.floor);
export const ceil = stepFn("ceil", "CeilBackward0", Math.ceil);
export const trunc = stepFn("trunc", "TruncBackward0", Math.trunc);
const roundRaw = stepFn("round", "RoundBackward0", roundHalfEven);
export function round(x: Tensor, decimals = 0): Tensor {
  if (decimals === 0) return roundRaw(x);
  const s = Math.pow(10, decimals);
  return div(roundRaw(mul(x, s)), s);
}
export function frac(x: Tensor): Tensor {
  return sub(x, trunc(x));
}

export function fmod(a: Tensor, b: Operand): Tensor {
  return sub(a, mul(trunc(aliasOf(div(a, b))), b));
}
export function remainder(a: Tensor, b: Operand): Tensor {
  return sub(a, mul(floor(aliasOf(div(a, b))), b));
}
export function floorDivide(a: Tensor, b: Operand): Tensor {
  return floor(div(a, b));
}

function isNan(t: Tensor): Tensor {
  return mapUnary(t, (v) => (Number.isNaN(v) ? 1 : 0), "bool");
}
/** fmax/fmin: like maximum/minimum but a NaN loses to a number; the gradient goes to the chosen side. */
export function fmax(a: Tensor, b: Tensor): Tensor {
  const pickA = zipBinary(a, b, (x, y) => (x >= y || Number.isNaN(y) ? 1 : 0), "bool", "fmax");
  return where(pickA, a, b);
}
export function fmin(a: Tensor, b: Tensor): Tensor {
  const pickA = zipBinary(a, b, (x, y) => (x <= y || Number.isNaN(y) ? 1 : 0), "bool", "fmin");
  return where(pickA, a, b);
}
export function hypot(a: Tensor, b: Tensor): Tensor {
  return sqrt(add(mul(a, a), mul(b, b)));
}
export function lerp(a: Tensor, end: Tensor, weight: Operand): Tensor {
  return add(a, mul(sub(end, a), weight));
}
export function addcmul(x: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  return add(x, mul(mul(t1, t2), value));
}
export function addcdiv(x: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  return add(x, mul(div(t1, t2), value));
}
export function logaddexp(a: Tensor, b: Tensor): Tensor {
  const m = aliasOf(maximum(a, b));
  const safe = where(mapUnary(m, (v) => (Number.isFinite(v) ? 1 : 0), "bool"), m, 0);
  return add(log(add(exp(sub(a, safe)), exp(sub(b, safe)))), safe);
}
/** x * log(y), 0 where x == 0 (torch.xlogy); the gradient for x is log(y) everywhere, as PyTorch's. */
export function xlogy(x: Tensor, y: Operand): Tensor {
  const yt = asT(y, x);
  // only 0·log(0) needs a guard (it would be NaN): there log(1) = 0 stands in
  const bothZero = zipBinary(x, yt, (a, b) => (a === 0 && b === 0 ? 1 : 0), "bool", "xlogy");
  return mul(x, log(where(bothZero, 1, yt)));
}
registerOp({ name: "nanToNum", gradFns: ["NanToNumBackward0"] });
export function nanToNum(x: Tensor, nan = 0, posinf?: number | null, neginf?: number | null): Tensor {
  const big = x.dtype === "float64" ? Number.MAX_VALUE : 3.4028234663852886e38;
  const f = (v: number) => (Number.isNaN(v) ? nan : v === Infinity ? posinf ?? big : v === -Infinity ? neginf ?? -big : v);
  const out = mapUnary(x, f);
  return record("nanToNum", "NanToNumBackward0", [x], out, (g, n) => [
    where(mapUnary(n.saved(0), (v) => (Number.isFinite(v) ? 1 : 0), "bool"), g, 0),
  ], { saved: [x] });
}

export function isnan(x: Tensor): Tensor {
  const out = isNan(x);
  recordNonDifferentiable("isnan", [x], [out]);
  return out;
}
export function isinf(x: Tensor): Tensor {
  const out = mapUnary(x, (v) => (v === Infinity || v === -Infinity ? 1 : 0), "bool");
  recordNonDifferentiable("isinf", [x], [out]);
  return out;
}
export function isfinite(x: Tensor): Tensor {
  const out = mapUnary(x, (v) => (Number.isFinite(v) ? 1 : 0), "bool");
  recordNonDifferentiable("isfinite", [x], [out]);
  return out;
}
function logical(name: string, f: (a: number, b: number) => number) {
  return (a: Tensor, b: Tensor): Tensor => {
    const out = zipBinary(a, b, f, "bool", name);
    recordNonDifferentiable(name, [a, b], [out]);
    return out;
  };
}
export const logicalAnd = logical("logical_and", (a, b) => (a !== 0 && b !== 0 ? 1 : 0));
export const logicalOr = logical("logical_or", (a, b) => (a !== 0 || b !== 0 ? 1 : 0));
export const logicalXor = logical("logical_xor", (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0));
export function logicalNot(a: Tensor): Tensor {
  const out = mapUnary(a, (v) => (v === 0 ? 1 : 0), "bool");
  recordNonDifferentiable("logical_not", [a], [out]);
  return out;
}
export function bitwiseAnd(a: Tensor, b: Tensor | number): Tensor {
  const bt = typeof b === "number" ? scalarTensor(b).to(a.dtype) : b;
  const out = zipBinary(a, bt, (x, y) => (a.dtype === "bool" ? (x && y ? 1 : 0) : Number(BigInt(x) & BigInt(y))), a.dtype, "bitwise_and");
  recordNonDifferentiable("bitwise_and", [a, bt], [out]);
  return out;
}

/** |a - b| <= atol + rtol * |b| elementwise (NaN equal only with equalNan). */
export function isclose(a: Tensor, b: Tensor, options: { rtol?: number; atol?: number; equalNan?: boolean } = {}): Tensor {
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  const out = zipBinary(a, b, (x, y) => {
    if (Number.isNaN(x) || Number.isNaN(y)) return equalNan && Number.isNaN(x) && Number.isNaN(y) ? 1 : 0;
    if (x === y) return 1;
    return Math.abs(x - y) <= atol + rtol * Math.abs(y) ? 1 : 0;
  }, "bool", "isclose");
  recordNonDifferentiable("isclose", [a, b], [out]);
  return out;
}
export function allclose(a: Tensor, b: Tensor, options: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
  return isclose(a, b, options).dataSync().every((v) => v === 1);
}
/** torch.equal: same shape and same values. */
export function equal(a: Tensor, b: Tensor): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) return false;
  const x = a.dataSync(), y = b.dataSync();
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

// ---- in-place forms: the out-of-place op applied through the engine's in-place machinery --------
export const inplace = {
  abs_: (t: Tensor) => applyInPlace(t, "abs_", abs),
  exp_: (t: Tensor) => applyInPlace(t, "exp_", exp),
  log_: (t: Tensor) => applyInPlace(t, "log_", log),
  sigmoid_: (t: Tensor) => applyInPlace(t, "sigmoid_", sigmoid),
  tanh_: (t: Tensor) => applyInPlace(t, "tanh_", tanh),
  relu_: (t: Tensor) => applyInPlace(t, "relu_", relu),
};
