import { Tensor, type NestedArray } from "./tensor";
import { allocate, type DType, type TypedArray } from "./dtype";
import { numelOf, parseShapeArgs } from "./shape";
import { makeTensor } from "./ops/kernel";
import { observer } from "./observer";
import { randomInt, randomNormal, randomUniform } from "./random";

// Factory functions. Shapes are given as numbers or as one array (`randn(2, 3)`, `randn([2, 3])`),
// optionally followed by `{ dtype, requiresGrad }`.

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

type ShapeArgs = Array<number | number[] | TensorOptions>;

function splitArgs(args: ShapeArgs): { shape: number[]; options: TensorOptions } {
  const last = args[args.length - 1];
  const hasOptions = typeof last === "object" && last !== null && !Array.isArray(last);
  const dims = (hasOptions ? args.slice(0, -1) : args) as Array<number | number[]>;
  const shape = parseShapeArgs(dims);
  shape.forEach((s, i) => {
    if (!Number.isInteger(s)) {
      throw new TypeError(`argument 'size' (position 1) must be tuple of ints, but found element of type ${pyType(s)} at pos ${i}`);
    }
    if (s < 0) throw new Error(`Trying to create tensor with negative dimension ${s}: [${shape.join(", ")}]`);
  });
  return { shape, options: hasOptions ? (last as TensorOptions) : {} };
}

/** Makes a leaf from values and tells the observer about it. */
function leaf(data: TypedArray, shape: readonly number[], options: TensorOptions, factory: string, dtype: DType): Tensor {
  const t = makeTensor(data, shape, dtype);
  t._initRequiresGrad(options.requiresGrad ?? false);
  if (observer !== null) observer.onLeafCreated?.(t, factory);
  return t;
}

function filled(shape: number[], options: TensorOptions, factory: string, value: (i: number) => number): Tensor {
  const dtype = options.dtype ?? "float32";
  const data = allocate(dtype, numelOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = value(i);
  return leaf(data, shape, options, factory, dtype);
}

/** A tensor from a number, nested arrays of numbers/booleans, or a typed array (torch.tensor). */
export function tensor(data: NestedArray | TypedArray | Tensor, options: TensorOptions = {}): Tensor {
  if (data instanceof Tensor) {
    const dtype = options.dtype ?? data.dtype;
    const copy = allocate(dtype, data.numel());
    copy.set(data.dataSync());
    return leaf(copy, data.shape, options, "tensor", dtype);
  }
  if (ArrayBuffer.isView(data)) {
    const dtype = options.dtype ?? (data instanceof Float64Array ? "float64" : "float32");
    const copy = allocate(dtype, data.length);
    copy.set(data);
    return leaf(copy, [data.length], options, "tensor", dtype);
  }
  const shape = inferShape(data);
  const flat: number[] = [];
  let sawBoolean = false, sawNumber = false;
  const walk = (v: NestedArray, dim: number) => {
    if (Array.isArray(v)) {
      if (v.length !== shape[dim]) throw new Error(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${v.length})`);
      for (const x of v) walk(x, dim + 1);
    } else {
      if (dim !== shape.length) throw new Error(`expected sequence of length ${shape[dim]} at dim ${dim} (got a scalar)`);
      if (typeof v === "boolean") sawBoolean = true;
      else if (typeof v === "number") sawNumber = true;
      else throw new Error(`Could not infer dtype of ${typeof v}`);
      flat.push(Number(v));
    }
  };
  walk(data, 0);
  const dtype = options.dtype ?? (sawBoolean && !sawNumber ? "bool" : "float32");
  const out = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) out[i] = dtype === "int64" ? Math.trunc(flat[i]) : flat[i];
  return leaf(out, shape, options, "tensor", dtype);
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = data;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

export function zeros(...args: ShapeArgs): Tensor {
  const { shape, options } = splitArgs(args);
  return filled(shape, options, "zeros", () => 0);
}

export function ones(...args: ShapeArgs): Tensor {
  const { shape, options } = splitArgs(args);
  return filled(shape, options, "ones", () => 1);
}

/** full(size, fillValue, options?): size as one array or a single number. */
export function full(shape: number[] | number, value: number, options: TensorOptions = {}): Tensor {
  const { shape: dims } = splitArgs([shape]);
  return filled(dims, options, "full", () => value);
}

function isOptions(v: unknown): v is TensorOptions {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** arange(end) or arange(start, end, step?), each optionally followed by options; integer arguments give int64, as in PyTorch. */
export function arange(startOrEnd: number, ...rest: Array<number | TensorOptions>): Tensor {
  const options = isOptions(rest[rest.length - 1]) ? (rest.pop() as TensorOptions) : {};
  const [end, step = 1] = rest as number[];
  const start = end === undefined ? 0 : startOrEnd;
  const stop = end === undefined ? startOrEnd : end;
  if (step === 0) throw new Error("step must be nonzero");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const integral = [start, stop, step].every(Number.isInteger);
  return filled([n], { dtype: integral ? "int64" : "float32", ...options }, "arange", (i) => start + i * step);
}

/** eye(n), eye(n, m), each optionally followed by options. */
export function eye(n: number, mOrOptions?: number | TensorOptions, options: TensorOptions = {}): Tensor {
  const m = typeof mOrOptions === "number" ? mOrOptions : n;
  for (const [name, v] of [["n", n], ["m", m]] as const) {
    if (!Number.isInteger(v)) throw new TypeError(`eye(): argument '${name}' must be int, not ${pyType(v)}`);
    if (v < 0) throw new Error(`${name} must be greater or equal to 0, got ${v}`);
  }
  const opts = isOptions(mOrOptions) ? mOrOptions : options;
  return filled([n, m], opts, "eye", (i) => (Math.floor(i / m) === i % m ? 1 : 0));
}

export function rand(...args: ShapeArgs): Tensor {
  const { shape, options } = splitArgs(args);
  return filled(shape, options, "rand", randomUniform);
}

export function randn(...args: ShapeArgs): Tensor {
  const { shape, options } = splitArgs(args);
  return filled(shape, options, "randn", randomNormal);
}

/** Integers in [low, high) as int64: randint(low, high, size, options?) or randint(high, size, options?). */
export function randint(lowOrHigh: number, highOrShape: number | number[], ...rest: Array<number[] | TensorOptions>): Tensor {
  const [low, high] = Array.isArray(highOrShape) ? [0, lowOrHigh] : [lowOrHigh, highOrShape];
  const shapeArg = Array.isArray(highOrShape) ? highOrShape : (rest.shift() as number[] | undefined);
  if (!Array.isArray(shapeArg)) throw new Error("randint(): missing the size argument, e.g. randint(0, 10, [2, 3])");
  const options = isOptions(rest[0]) ? rest[0] : {};
  if (!(high > low)) throw new Error(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const { shape } = splitArgs([shapeArg]);
  return filled(shape, { dtype: "int64", ...options }, "randint", () => randomInt(low, high));
}

export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return filled([...t.shape], { dtype: t.dtype, ...options }, "zerosLike", () => 0);
}

export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return filled([...t.shape], { dtype: t.dtype, ...options }, "onesLike", () => 1);
}

export function fullLike(t: Tensor, value: number, options: TensorOptions = {}): Tensor {
  return filled([...t.shape], { dtype: t.dtype, ...options }, "fullLike", () => value);
}

export function randLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return filled([...t.shape], { dtype: t.dtype, ...options }, "randLike", randomUniform);
}

export function randnLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return filled([...t.shape], { dtype: t.dtype, ...options }, "randnLike", randomNormal);
}

/** Python's name for a bad size argument's type, as PyTorch's messages give it. */
function pyType(v: unknown): string {
  return typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v === "string" ? "str" : typeof v;
}
