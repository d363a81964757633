import { Tensor } from "../tensor";
import { promoteOperands, promoteWithScalar, type DType } from "../dtype";
import { record } from "../autograd/record";
import { mapUnary, zipBinary, zipTernary } from "./elementwise";
import { arith, Arith } from "./arith";
import { makeTensor, toTensor } from "./kernel";
import { unbroadcast } from "./broadcast";
import { registerOp } from "./registry";
import { log } from "./unary";
import { formatShape, shapesEqual } from "../shape";
import { scalarTypeName } from "../dtype";

// Broadcasting binary ops. Each backward sits next to its forward and reduces gradients back to each
// input's shape. A JS number operand acts like a 0-dim tensor that does not require grad.

type Operand = Tensor | number;

function resultDtype(a: Tensor, b: Operand): DType {
  return b instanceof Tensor ? promoteOperands(a.dtype, a.dim(), b.dtype, b.dim()) : promoteWithScalar(a.dtype, b);
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

registerOp({ name: "add", gradFns: ["AddBackward0"] });
export function add(a: Tensor, b: Operand, alpha = 1): Tensor {
  const dtype = resultDtype(a, b);
  const x = a, y = asTensor(b);
  const out = arith(Arith.Add, x, y, alpha, dtype, "add");
  const inputs = inputsOf(a, b);
  return record("add", "AddBackward0", inputs, out, (g, node) => [
    node.needsInputGrad[0] ? unbroadcast(g, a.shape) : null,
    node.needsInputGrad[1] ? unbroadcast(alpha === 1 ? g : mul(g, alpha), y.shape) : null,
  ].slice(0, inputs.length));
}

registerOp({ name: "sub", gradFns: ["SubBackward0"] });
export function sub(a: Tensor, b: Operand, alpha = 1): Tensor {
  const dtype = resultDtype(a, b);
  const x = a, y = asTensor(b);
  const out = arith(Arith.Sub, x, y, alpha, dtype, "sub");
  const inputs = inputsOf(a, b);
  return record("sub", "SubBackward0", inputs, out, (g, node) => [
    node.needsInputGrad[0] ? unbroadcast(g, a.shape) : null,
    node.needsInputGrad[1] ? unbroadcast(mul(g, -alpha), y.shape) : null,
  ].slice(0, inputs.length));
}

registerOp({ name: "mul", gradFns: ["MulBackward0"] });
export function mul(a: Tensor, b: Operand): Tensor {
  const dtype = resultDtype(a, b);
  const x = a, y = asTensor(b);
  const out = arith(Arith.Mul, x, y, 1, dtype, "mul");
  if (!(b instanceof Tensor)) {
    // PyTorch saves the scalar as a wrapped tensor: a second backward without retainGraph raises
    return record("mul", "MulBackward0", [a], out, (g, node) => (node.checkNotFreed(), [mul(g, b)]));
  }
  // PyTorch saves `other` only when self needs grad, and `self` only when other does.
  const saveA = b.requiresGrad, saveB = a.requiresGrad;
  const saved = [saveA ? a : null, saveB ? b : null].filter((t): t is Tensor => t !== null);
  return record("mul", "MulBackward0", [a, b], out, (g, node) => {
    const savedA = saveA ? node.saved(0) : null;
    const savedB = saveB ? node.saved(saveA ? 1 : 0) : null;
    return [
      node.needsInputGrad[0] ? unbroadcast(mul(g, savedB!), a.shape) : null,
      node.needsInputGrad[1] ? unbroadcast(mul(g, savedA!), b.shape) : null,
    ];
  }, { saved });
}

registerOp({ name: "div", gradFns: ["DivBackward0"] });
export function div(a: Tensor, b: Operand): Tensor {
  const dtype = b instanceof Tensor || !(a.dtype === "int64" || a.dtype === "bool") ? resultDtype(a, b) : "float32";
  const outDtype = dtype === "int64" || dtype === "bool" ? "float32" : dtype; // true division, as torch.div
  const x = a, y = asTensor(b);
  const out = arith(Arith.Div, x, y, 1, outDtype, "div");
  if (!(b instanceof Tensor)) {
    return record("div", "DivBackward0", [a], out, (g, node) => (node.checkNotFreed(), [div(g, b)]));
  }
  const saveA = b.requiresGrad;
  const saved = saveA ? [a, b] : [b];
  return record("div", "DivBackward0", [a, b], out, (g, node) => {
    const savedA = saveA ? node.saved(0) : null;
    const savedB = node.saved(saveA ? 1 : 0);
    return [
      node.needsInputGrad[0] ? unbroadcast(div(g, savedB), a.shape) : null,
      node.needsInputGrad[1] ? unbroadcast(div(mul(neg(g), savedA!), mul(savedB, savedB)), b.shape) : null,
    ];
  }, { saved });
}

registerOp({ name: "neg", gradFns: ["NegBackward0"] });
export function neg(a: Tensor): Tensor {
  const out = mapUnary(a, (p) => -p);
  return record("neg", "NegBackward0", [a], out, (g) => [neg(g)]);
}

registerOp({ name: "pow", gradFns: ["PowBackward0", "PowBackward1", "PowBackward2"] });
/** x ** e for a tensor or number exponent, and `pow(2, x)` (a number base) as torch.pow allows. */
export function pow(a: Tensor | number, exponent: Operand): Tensor {
  if (!(a instanceof Tensor)) {
    if (!(exponent instanceof Tensor)) throw new Error("pow(): at least one of base and exponent must be a Tensor");
    return powScalarBase(a, exponent);
  }
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
  const dtype = promoteOperands(a.dtype, a.dim(), exponent.dtype, exponent.dim());
  const out = zipBinary(a, exponent, (p, q) => Math.pow(p, q), dtype, "pow");
  return record("pow", "PowBackward1", [a, exponent], out, (g, node) => {
    const x = node.saved(0), e = node.saved(1), result = node.saved(2);
    let ge: Tensor | null = null;
    if (node.needsInputGrad[1]) {
      // d/de x^e = x^e log x, 0 where x == 0 and e >= 0 (PyTorch's mask); differentiable ops throughout
      const logTerm = where(zipBinary(x, e, (xv, ev) => (xv === 0 && ev >= 0 ? 1 : 0), "bool", "pow"), 0, mul(result, log(x)));
      ge = unbroadcast(mul(g, logTerm), exponent.shape);
    }
    return [
      node.needsInputGrad[0] ? unbroadcast(mul(g, mul(e, pow(x, sub(e, 1)))), a.shape) : null,
      ge,
    ];
  }, { saved: [a, exponent], savedOutputs: [out] });
}


/** base ** e for a number base: d/de = base^e · log(base) (0 where base == 0 and e >= 0, as PyTorch). */
function powScalarBase(base: number, e: Tensor): Tensor {
  const dtype = e.isFloatingPoint() ? e.dtype : Number.isInteger(base) ? e.dtype : "float32";
  const out = zipBinary(scalarTensor(base), e, (p, q) => Math.pow(p, q), dtype, "pow");
  const logBase = Math.log(base);
  return record("pow", "PowBackward2", [e], out, (g, node) => {
    const result = node.saved(0);
    if (base === 0) return [mul(g, zipBinary(e, e, (q) => (q >= 0 ? 0 : Math.log(0)), g.dtype, "pow"))];
    return [mul(g, mul(result, logBase))];
  }, { savedOutputs: [out] });
}

registerOp({ name: "maximum", gradFns: ["MaximumBackward0"] });
export function maximum(a: Tensor, b: Tensor): Tensor {
  return extremum(a, b, "maximum");
}
registerOp({ name: "minimum", gradFns: ["MinimumBackward0"] });
export function minimum(a: Tensor, b: Tensor): Tensor {
  return extremum(a, b, "minimum");
}

function extremum(a: Tensor, b: Tensor, which: "maximum" | "minimum"): Tensor {
  const dtype = promoteOperands(a.dtype, a.dim(), b.dtype, b.dim());
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

registerOp({ name: "where", gradFns: ["WhereBackward0"] });
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  const ref = a instanceof Tensor ? a : b instanceof Tensor ? b : null;
  const at = a instanceof Tensor ? a : toTensor(a, ref ?? makeTensor(new Float32Array(1), [], "float32"));
  const bt = b instanceof Tensor ? b : toTensor(b, ref ?? at);
  if (condition.dtype !== "bool") throw new Error(`where expected condition to be a boolean tensor, but got a tensor with dtype ${scalarTypeName(condition.dtype)}`);
  const dtype = promoteOperands(at.dtype, a instanceof Tensor ? at.dim() : 0, bt.dtype, b instanceof Tensor ? bt.dim() : 0);
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

registerOp({ name: "maskedFill", gradFns: ["MaskedFillBackward0"] });
/** x.masked_fill(mask, value): value where mask is true; the gradient flows where it is false. */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  if (mask.dtype !== "bool") throw new Error(`masked_fill_ only supports boolean masks, but got mask with dtype ${scalarTypeName(mask.dtype)}`);
  const v = value instanceof Tensor ? value.item() : value;
  // out of place, the result takes the broadcast shape of input and mask (PyTorch); maskedFill_ checks its own
  const out = zipBinary(x, mask, (p, m) => (m ? v : p), x.dtype, "masked_fill");
  const from = [...x.shape];
  return record("maskedFill", "MaskedFillBackward0", [x], out, (g, node) => [unbroadcast(where(node.saved(0), 0, g), from)], {
    saved: [mask],
  });
}

/** x.square() is x ** 2, recorded as PyTorch does (PowBackward0). */
export function square(x: Tensor): Tensor {
  return pow(x, 2);
}
