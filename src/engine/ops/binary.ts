import { Tensor } from "../tensor";
import { promote, promoteWithScalar, type DType } from "../dtype";
import { record } from "../autograd/record";
import { mapUnary, zipBinary, zipTernary } from "./elementwise";
import { makeTensor, toTensor } from "./kernel";
import { unbroadcast } from "./broadcast";
import { registerOp } from "./registry";

// Broadcasting binary ops. Each backward sits next to its forward and reduces gradients back to each
// input's shape. A JS number operand acts like a 0-dim tensor that does not require grad.

type Operand = Tensor | number;

function resultDtype(a: Tensor, b: Operand): DType {
  return b instanceof Tensor ? promote(a.dtype, b.dtype) : promoteWithScalar(a.dtype, b);
}

/** A number operand as a float64 0-dim tensor: it carries the exact value, the result dtype is decided apart. */
export function scalarTensor(v: number): Tensor {
  return makeTensor(new Float64Array([v]), [], "float64");
}

function asTensor(b: Operand): Tensor {
  return b instanceof Tensor ? b : scalarTensor(b);
}

function inputsOf(a: Tensor, b: Operand): Tensor[] {
  return b instanceof Tensor ? [a, b] : [a];
}

registerOp("add");
export function add(a: Tensor, b: Operand, alpha = 1): Tensor {
  const dtype = resultDtype(a, b);
  const x = a, y = asTensor(b);
  const out = zipBinary(x, y, alpha === 1 ? (p, q) => p + q : (p, q) => p + alpha * q, dtype, "add");
  return record("add", "AddBackward0", inputsOf(a, b), out, (g, node) => [
    node.needsInputGrad[0] ? unbroadcast(g, a.shape) : null,
    node.needsInputGrad[1] ? unbroadcast(alpha === 1 ? g : mul(g, alpha), y.shape) : null,
  ]);
}

registerOp("sub");
export function sub(a: Tensor, b: Operand, alpha = 1): Tensor {
  const dtype = resultDtype(a, b);
  const x = a, y = asTensor(b);
  const out = zipBinary(x, y, (p, q) => p - alpha * q, dtype, "sub");
  return record("sub", "SubBackward0", inputsOf(a, b), out, (g, node) => [
    node.needsInputGrad[0] ? unbroadcast(g, a.shape) : null,
    node.needsInputGrad[1] ? unbroadcast(mul(g, -alpha), y.shape) : null,
  ]);
}

registerOp("mul");
export function mul(a: Tensor, b: Operand): Tensor {
  const dtype = resultDtype(a, b);
  const x = a, y = asTensor(b);
  const out = zipBinary(x, y, (p, q) => p * q, dtype, "mul");
  if (!(b instanceof Tensor)) {
    return record("mul", "MulBackward0", [a], out, (g) => [mul(g, b)]);
  }
  // PyTorch saves `other` only when self needs grad, and `self` only when other does.
  const saved = [b.requiresGrad ? a : null, a.requiresGrad ? b : null].filter((t): t is Tensor => t !== null);
  return record("mul", "MulBackward0", [a, b], out, (g, node) => {
    const savedA = b.requiresGrad ? node.saved(0) : null;
    const savedB = a.requiresGrad ? node.saved(savedA === null ? 0 : 1) : null;
    return [
      node.needsInputGrad[0] ? unbroadcast(mul(g, savedB!), a.shape) : null,
      node.needsInputGrad[1] ? unbroadcast(mul(g, savedA!), b.shape) : null,
    ];
  }, { saved });
}

registerOp("div");
export function div(a: Tensor, b: Operand): Tensor {
  const dtype = b instanceof Tensor || !(a.dtype === "int64" || a.dtype === "bool") ? resultDtype(a, b) : "float32";
  const outDtype = dtype === "int64" || dtype === "bool" ? "float32" : dtype; // true division, as torch.div
  const x = a, y = asTensor(b);
  const out = zipBinary(x, y, (p, q) => p / q, outDtype, "div");
  if (!(b instanceof Tensor)) {
    return record("div", "DivBackward0", [a], out, (g) => [div(g, b)]);
  }
  const saved = b.requiresGrad ? [a, b] : [b];
  return record("div", "DivBackward0", [a, b], out, (g, node) => {
    const savedA = b.requiresGrad ? node.saved(0) : null;
    const savedB = node.saved(b.requiresGrad ? 1 : 0);
    return [
      node.needsInputGrad[0] ? unbroadcast(div(g, savedB), a.shape) : null,
      node.needsInputGrad[1] ? unbroadcast(div(mul(neg(g), savedA!), mul(savedB, savedB)), b.shape) : null,
    ];
  }, { saved });
}

registerOp("neg");
export function neg(a: Tensor): Tensor {
  const out = mapUnary(a, (p) => -p);
  return record("neg", "NegBackward0", [a], out, (g) => [neg(g)]);
}

registerOp("pow");
export function pow(a: Tensor, exponent: Operand): Tensor {
  if (!(exponent instanceof Tensor)) {
    const e = exponent;
    const dtype = promoteWithScalar(a.dtype, e);
    const out = zipBinary(a, scalarTensor(e), (p, q) => Math.pow(p, q), dtype, "pow");
    return record("pow", "PowBackward0", [a], out, (g, node) => {
      if (e === 0) return [mul(g, 0)];
      const x = node.saved(0);
      return [mul(g, mul(pow(x, e - 1), e))];
    }, { saved: [a] });
  }
  const dtype = promote(a.dtype, exponent.dtype);
  const out = zipBinary(a, exponent, (p, q) => Math.pow(p, q), dtype, "pow");
  return record("pow", "PowBackward1", [a, exponent], out, (g, node) => {
    const x = node.saved(0), e = node.saved(1), result = node.saved(2);
    let ge: Tensor | null = null;
    if (node.needsInputGrad[1]) {
      // d/de x^e = x^e log x, defined as 0 where x == 0 and e >= 0 (as PyTorch masks it)
      const logTerm = mul(result, logSafe(x, e));
      ge = unbroadcast(mul(g, logTerm), exponent.shape);
    }
    return [
      node.needsInputGrad[0] ? unbroadcast(mul(g, mul(e, pow(x, sub(e, 1)))), a.shape) : null,
      ge,
    ];
  }, { saved: [a, exponent], savedOutputs: [out] });
}

function logSafe(x: Tensor, e: Tensor): Tensor {
  return zipTernary(x, e, x, (xv, ev) => (xv === 0 && ev >= 0 ? 0 : Math.log(xv)), promote(x.dtype, e.dtype), "pow");
}

registerOp("maximum");
export function maximum(a: Tensor, b: Tensor): Tensor {
  return extremum(a, b, "maximum");
}
registerOp("minimum");
export function minimum(a: Tensor, b: Tensor): Tensor {
  return extremum(a, b, "minimum");
}

function extremum(a: Tensor, b: Tensor, which: "maximum" | "minimum"): Tensor {
  const dtype = promote(a.dtype, b.dtype);
  const pick = which === "maximum" ? (p: number, q: number) => (p >= q ? p : q) : (p: number, q: number) => (p <= q ? p : q);
  const out = zipBinary(a, b, (p, q) => (Number.isNaN(p) || Number.isNaN(q) ? NaN : pick(p, q)), dtype, which);
  const name = which === "maximum" ? "MaximumBackward0" : "MinimumBackward0";
  return record(which, name, [a, b], out, (g, node) => {
    const x = node.saved(0), y = node.saved(1);
    // ties split the gradient evenly between both inputs
    const wins = (p: number, q: number) => (p === q ? 0.5 : (which === "maximum" ? p > q : p < q) ? 1 : 0);
    const wa = zipBinary(x, y, wins, g.dtype, which);
    const wb = zipBinary(y, x, wins, g.dtype, which);
    return [
      node.needsInputGrad[0] ? unbroadcast(mul(g, wa), a.shape) : null,
      node.needsInputGrad[1] ? unbroadcast(mul(g, wb), b.shape) : null,
    ];
  }, { saved: [a, b] });
}

registerOp("where");
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  const ref = a instanceof Tensor ? a : b instanceof Tensor ? b : null;
  const at = a instanceof Tensor ? a : toTensor(a, ref ?? makeTensor(new Float32Array(1), [], "float32"));
  const bt = b instanceof Tensor ? b : toTensor(b, ref ?? at);
  const dtype = promote(at.dtype, bt.dtype);
  const out = zipTernary(condition, at, bt, (c, x, y) => (c ? x : y), dtype, "where");
  const inputs = [at, bt];
  return record("where", "WhereBackward0", inputs, out, (g, node) => {
    const cond = node.saved(0);
    return [
      node.needsInputGrad[0] ? unbroadcast(where(cond, g, 0), at.shape) : null,
      node.needsInputGrad[1] ? unbroadcast(where(cond, 0, g), bt.shape) : null,
    ];
  }, { saved: [condition] });
}
