// dtypes and their storage. int64 and bool live in typed arrays JS can do arithmetic on directly:
// int64 values are exact integers up to 2^53, which covers indices and class targets.
export type DType = "float32" | "float64" | "int64" | "bool";
export type TypedArray = Float32Array | Float64Array | Uint8Array;

export const float32: DType = "float32";
export const float64: DType = "float64";
export const int64: DType = "int64";
export const bool: DType = "bool";

export function allocate(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
    case "int64":
      return new Float64Array(n);
    case "bool":
      return new Uint8Array(n);
  }
}

export function isFloating(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

/** Bytes PyTorch would use per element (int64 is 8 bytes there). */
export function elementSize(dtype: DType): number {
  return dtype === "float32" ? 4 : dtype === "bool" ? 1 : 8;
}

const rank: Record<DType, number> = { bool: 0, int64: 1, float32: 2, float64: 3 };

/** Result dtype of a binary op between two tensors (PyTorch's category promotion, simplified). */
export function promote(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

function category(d: DType): number {
  return d === "bool" ? 0 : d === "int64" ? 1 : 2;
}

/**
 * Result dtype of a binary op between two tensors, with PyTorch's rule for 0-dim operands: a 0-dim
 * tensor only decides the dtype when it is of a higher category (bool < int < float) than the
 * dimensioned one, so `float32 [3] + float64 0-dim` stays float32.
 */
export function promoteOperands(a: DType, aDim: number, b: DType, bDim: number): DType {
  if ((aDim === 0) === (bDim === 0)) return promote(a, b);
  const [dimmed, zero] = aDim === 0 ? [b, a] : [a, b];
  return category(zero) > category(dimmed) ? zero : dimmed;
}

/** Result dtype of a tensor with a JS number: the number only lifts integer/bool tensors. */
export function promoteWithScalar(a: DType, scalar: number): DType {
  if (isFloating(a)) return a;
  if (Number.isInteger(scalar)) return a === "bool" ? "int64" : a;
  return "float32";
}

/** PyTorch's legacy type name, used in error messages ("torch.FloatTensor"). */
export function torchTypeName(dtype: DType): string {
  return { float32: "torch.FloatTensor", float64: "torch.DoubleTensor", int64: "torch.LongTensor", bool: "torch.BoolTensor" }[dtype];
}

/** PyTorch's C++ scalar type name, used in its error messages ("Float", "Long"). */
export function scalarTypeName(dtype: DType): string {
  return { float32: "Float", float64: "Double", int64: "Long", bool: "Bool" }[dtype];
}
