// Shape arithmetic shared by ops: strides, broadcasting, dim normalisation.

export type Shape = number[];

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Broadcast two shapes as NumPy/PyTorch do; throws PyTorch's message when they do not fit. */
export function broadcastShapes(a: readonly number[], b: readonly number[], opName = "op"): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  // from the last dim, as PyTorch's infer_size, so the reported dimension is the one PyTorch names
  for (let i = n - 1; i >= 0; i--) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i} (${opName}: shapes ${formatShape(a)} and ${formatShape(b)})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had `target` shape (0 on broadcast dims). */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 && target[lead + i] !== 1 ? 0 : strides[i];
  return out;
}

export function normalizeDim(dim: number, ndim: number): number {
  const size = Math.max(ndim, 1);
  if (dim < -size || dim >= size) {
    throw new Error(`Dimension out of range (expected to be in range of [${-size}, ${size - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + size : dim;
}

/** Shape argument as PyTorch accepts it: `f(2, 3)` or `f([2, 3])`. */
export function parseShapeArgs(args: ReadonlyArray<number | readonly number[]>): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as number[])];
  return args as number[];
}
