import type { Tensor } from "../tensor";
import { allocateUninitialized } from "../bufferPool";
import { allocate, type DType, type TypedArray } from "../dtype";
import { record } from "../autograd/record";
import { isGradEnabled } from "../gradMode";
import { shapesEqual } from "../shape";
import { contiguousData, makeElementwise, makeTensor } from "./kernel";
import { mapUnary } from "./elementwise";
import { add, mul, div, neg, where } from "./binary";
import { registerOp } from "./registry";
import { erfF32 } from "../kernels/erf";
import { leakyReluBackward, thresholdBackward } from "./maskBackward";
import { geluDerivativeTensors } from "./geluDerivatives";
import { geluBackwardF32, geluF32 } from "../kernels/gelu";
import { reluBackwardF32, reluF32 } from "../kernels/relu";

// Elementwise functions. Backward formulas are written with differentiable ops where the derivative
// is a product with the incoming gradient, so createGraph works through them.

function floatDtype(x: Tensor): DType {
  return x.dtype === "float64" ? "float64" : "float32";
}

registerOp({ name: "exp", gradFns: ["ExpBackward0"] });
export function exp(x: Tensor): Tensor {
  const out = mapUnary(x, Math.exp, floatDtype(x));
  return record("exp", "ExpBackward0", [x], out, (g, node) => [mul(g, node.saved(0))], { savedOutputs: [out] });
}

registerOp({ name: "log", gradFns: ["LogBackward0"] });
export function log(x: Tensor): Tensor {
  const out = mapUnary(x, Math.log, floatDtype(x));
  return record("log", "LogBackward0", [x], out, (g, node) => [div(g, node.saved(0))], { saved: [x] });
}

registerOp({ name: "sqrt", gradFns: ["SqrtBackward0"] });
export function sqrt(x: Tensor): Tensor {
  const out = mapUnary(x, Math.sqrt, floatDtype(x));
  return record("sqrt", "SqrtBackward0", [x], out, (g, node) => [div(g, mul(node.saved(0), 2))], { savedOutputs: [out] });
}

registerOp({ name: "log1p", gradFns: ["Log1PBackward0"] });
export function log1p(x: Tensor): Tensor {
  const out = mapUnary(x, Math.log1p, floatDtype(x));
  return record("log1p", "Log1PBackward0", [x], out, (g, node) => [div(g, add(node.saved(0), 1))], { saved: [x] });
}

registerOp({ name: "rsqrt", gradFns: ["RsqrtBackward0"] });
export function rsqrt(x: Tensor): Tensor {
  const out = mapUnary(x, (v) => 1 / Math.sqrt(v), floatDtype(x));
  // d/dx x^-1/2 = -1/2 · out^3
  return record("rsqrt", "RsqrtBackward0", [x], out, (g, node) => {
    const y = node.saved(0);
    return [mul(g, mul(mul(y, mul(y, y)), -0.5))];
  }, { savedOutputs: [out] });
}

registerOp({ name: "sin", gradFns: ["SinBackward0"] });
export function sin(x: Tensor): Tensor {
  const out = mapUnary(x, Math.sin, floatDtype(x));
  return record("sin", "SinBackward0", [x], out, (g, node) => [mul(g, cos(node.saved(0)))], { saved: [x] });
}

registerOp({ name: "cos", gradFns: ["CosBackward0"] });
export function cos(x: Tensor): Tensor {
  const out = mapUnary(x, Math.cos, floatDtype(x));
  return record("cos", "CosBackward0", [x], out, (g, node) => [mul(g, neg(sin(node.saved(0))))], { saved: [x] });
}

registerOp({ name: "sign", gradFns: ["SignBackward0"] });
/** sign(x) in {-1, 0, 1}; its gradient is zero everywhere (SignBackward0), as in PyTorch. */
export function sign(x: Tensor): Tensor {
  const out = mapUnary(x, (v) => (v > 0 ? 1 : v < 0 ? -1 : 0)); // sign(NaN) is 0, as PyTorch
  return record("sign", "SignBackward0", [x], out, (g) => [mul(g, 0)]);
}

registerOp({ name: "abs", gradFns: ["AbsBackward0"] });
export function abs(x: Tensor): Tensor {
  const out = mapUnary(x, Math.abs);
  // g · sgn(x) with sgn the differentiable op: under createGraph the gradient requires grad, as PyTorch's
  return record("abs", "AbsBackward0", [x], out, (g, node) => [mul(g, sign(node.saved(0)))], {
    saved: [x],
  });
}

registerOp({ name: "tanh", gradFns: ["TanhBackward0"] });
export function tanh(x: Tensor): Tensor {
  const out = mapUnary(x, Math.tanh, floatDtype(x));
  // g · (1 − y²), from differentiable ops so that createGraph sees y
  return record("tanh", "TanhBackward0", [x], out, (g, node) => {
    const y = node.saved(0);
    return [mul(g, add(neg(mul(y, y)), 1))];
  }, { savedOutputs: [out] });
}

registerOp({ name: "sigmoid", gradFns: ["SigmoidBackward0"] });
export function sigmoid(x: Tensor): Tensor {
  const out = mapUnary(x, sigmoidScalar, floatDtype(x));
  // g · s(1 − s), from differentiable ops so that createGraph sees s
  return record("sigmoid", "SigmoidBackward0", [x], out, (g, node) => {
    const y = node.saved(0);
    return [mul(g, mul(y, add(neg(y), 1)))];
  }, { savedOutputs: [out] });
}

export function sigmoidScalar(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

registerOp({ name: "relu", gradFns: ["ReluBackward0"] });
/** max(x, 0), NaN kept (PyTorch's clamp_min). */
export function relu(x: Tensor): Tensor {
  const src = contiguousData(x);
  const values = allocateUninitialized(x.dtype, src.length); // reluInto writes every element
  reluInto(src, values);
  const out = makeElementwise(values, x.shape, x.dtype, x);
  return record("relu", "ReluBackward0", [x], out, (g, node) => [reluBackward(g, node.saved(0))], { savedOutputs: [out] });
}

function reluInto(src: TypedArray, out: TypedArray): void {
  if (src instanceof Float32Array && out instanceof Float32Array) return reluF32(src, out);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    out[i] = v > 0 || v !== v ? v : 0;
  }
}

/** g where y > 0 (or y is NaN), else 0: PyTorch's threshold_backward (NaN or ∞ in g does not leak
 * through the mask); one pass without building the mask when no double-backward graph is recorded. */
function reluBackward(g: Tensor, y: Tensor): Tensor {
  if (isGradEnabled() || !shapesEqual(g.shape, y.shape)) return thresholdBackward(g, y);
  const gd = contiguousData(g), yd = contiguousData(y);
  const res = allocateUninitialized(g.dtype, gd.length); // every element is written below
  if (gd instanceof Float32Array && yd instanceof Float32Array && res instanceof Float32Array) {
    reluBackwardF32(gd, yd, res);
  } else {
    for (let i = 0; i < gd.length; i++) {
      const v = yd[i];
      res[i] = v > 0 || v !== v ? gd[i] : 0;
    }
  }
  return makeTensor(res, g.shape, g.dtype);
}

registerOp({ name: "leakyRelu", gradFns: ["LeakyReluBackward0"] });
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  const out = mapUnary(x, (v) => (v > 0 ? v : v * negativeSlope));
  return record("leakyRelu", "LeakyReluBackward0", [x], out, (g, node) => [
    leakyReluBackward(g, node.saved(0), negativeSlope),
  ], { saved: [x] });
}

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

registerOp({ name: "gelu", gradFns: ["GeluBackward0"] });
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  const erfOf = floatDtype(x) === "float32" ? erfF32 : erf; // float32 results need no float64-exact erf
  const f = approximate === "tanh"
    ? (v: number) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)))
    : (v: number) => 0.5 * v * (1 + erfOf(v * SQRT1_2));
  const out = approximate === "none" && x.dtype === "float32" ? geluKernel(x) : mapUnary(x, f, floatDtype(x));
  return record("gelu", "GeluBackward0", [x], out, (g, node) => [geluBackward(g, node.saved(0), approximate)], { saved: [x] });
}

/** gelu'(v) and gelu''(v), exact (erf) and tanh-approximated. */
const geluDerivatives = {
  none: {
    d1: (v: number) => 0.5 * (1 + erf(v * SQRT1_2)) + v * normalPdf(v),
    d2: (v: number) => normalPdf(v) * (2 - v * v),
  },
  tanh: {
    d1: (v: number) => {
      const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)), du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
      return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du;
    },
    d2: (v: number) => {
      const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
      const du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v), ddu = SQRT_2_OVER_PI * 6 * 0.044715 * v;
      return (1 - t * t) * du + 0.5 * v * (1 - t * t) * (ddu - 2 * t * du * du);
    },
  },
};

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
function normalPdf(v: number): number {
  return Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
}
const geluD1F32 = (v: number): number => 0.5 * (1 + erfF32(v * SQRT1_2)) + v * normalPdf(v);

function geluKernel(x: Tensor): Tensor {
  const out = new Float32Array(x.numel());
  geluF32(contiguousData(x) as Float32Array, out);
  return makeTensor(out, x.shape, "float32");
}

function geluBackwardKernel(g: Tensor, x: Tensor): Tensor {
  const out = new Float32Array(x.numel());
  geluBackwardF32(contiguousData(g) as Float32Array, contiguousData(x) as Float32Array, out);
  return makeTensor(out, x.shape, "float32");
}

// gelu's backward is its own op (PyTorch's gelu_backward): g · gelu'(x), differentiable in g and x;
// under createGraph its own backward takes gelu' and gelu'' from ops, so it differentiates again.
registerOp({ name: "geluBackward", gradFns: ["GeluBackwardBackward0"] });
export function geluBackward(g: Tensor, x: Tensor, approximate: "none" | "tanh"): Tensor {
  const { d2 } = geluDerivatives[approximate];
  // float32 gradients need no float64-exact erf (its series was most of a transformer's backward)
  const d1 = approximate === "none" && g.dtype === "float32" ? geluD1F32 : geluDerivatives[approximate].d1;
  const fused = approximate === "none" && g.dtype === "float32" && x.dtype === "float32" && shapesEqual(g.shape, x.shape);
  const out = fused ? geluBackwardKernel(g, x) : mul(g.detach(), mapUnary(x, d1, g.dtype));
  return record("geluBackward", "GeluBackwardBackward0", [g, x], out, (gg, node) => {
    if (isGradEnabled()) return geluDoubleBackward(gg, node.saved(0), node.saved(1), approximate, node.needsInputGrad);
    return [
      node.needsInputGrad[0] ? mul(gg, mapUnary(node.saved(1), d1, gg.dtype)) : null,
      node.needsInputGrad[1] ? mul(mul(gg, node.saved(0)), mapUnary(node.saved(1), d2, gg.dtype)) : null,
    ];
  }, { saved: [g, x] });
}

/** gelu_backward's backward from differentiable ops (PyTorch's composite gelu_double_backward). */
function geluDoubleBackward(gg: Tensor, g: Tensor, x: Tensor, approximate: "none" | "tanh", need: boolean[]): Array<Tensor | null> {
  const { d1, d2 } = geluDerivativeTensors(x, approximate);
  return [need[0] ? mul(gg, d1) : null, need[1] ? mul(mul(gg, g), d2) : null];
}

/** erf with ~1e-16 accuracy (series for small |x|, continued fraction via erfc for large). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax, sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * sum * (2 / Math.sqrt(Math.PI));
  }
  // Lentz continued fraction for erfc
  let f = ax, c = ax, d = 0;
  for (let i = 1; i < 200; i++) {
    const an = i / 2;
    d = ax + an * d;
    d = 1 / d;
    c = ax + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / (f * Math.sqrt(Math.PI));
  return Math.sign(x) * (1 - erfc);
}

registerOp({ name: "clamp", gradFns: ["ClampBackward1"] });
export function clamp(x: Tensor, min: number | null = null, max: number | null = null): Tensor {
  if (min === null && max === null) throw new Error("torch.clamp: At least one of 'min' or 'max' must not be None");
  const lo = min ?? -Infinity, hi = max ?? Infinity;
  const out = mapUnary(x, (v) => (v < lo ? lo : v > hi ? hi : v));
  return record("clamp", "ClampBackward1", [x], out, (g, node) => [
    mul(g, mapUnary(node.saved(0), (v) => (v >= lo && v <= hi ? 1 : 0), g.dtype)),
  ], { saved: [x] });
}

registerOp({ name: "to", gradFns: ["ToCopyBackward0"] });
export function toDtype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = mapUnary(x, dtype === "int64" ? Math.trunc : dtype === "bool" ? (v) => (v !== 0 ? 1 : 0) : (v) => v, dtype);
  const from = x.dtype;
  return record("to", "ToCopyBackward0", [x], out, (g) => [g.to(from)]);
}

