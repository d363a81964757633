import { Tensor } from "../tensor";
import { Storage } from "../storage";
import { allocate, type DType } from "../dtype";
import { observer } from "../observer";
import { contiguousStrides } from "../shape";

// nn.Parameter: a leaf tensor that requires grad (by default) and that a Module registers when it is
// assigned to one of its fields. It shares the storage of the tensor it was made from, as in PyTorch.

export class Parameter extends Tensor {
  constructor(data?: Tensor | null, requiresGrad?: boolean);
  /** @internal engine ops may clone a tensor's constructor to make a raw view */
  constructor(storage: Storage, shape: number[], strides: number[], offset: number, dtype: DType);
  constructor(
    data?: Tensor | Storage | null,
    requiresGradOrShape?: boolean | number[],
    strides?: number[],
    offset?: number,
    dtype?: DType,
  ) {
    if (data instanceof Storage) {
      // a raw view made through `new t.constructor(...)` by an engine kernel: behave as a plain tensor
      super(data, requiresGradOrShape as number[], strides!, offset!, dtype!);
      return;
    }
    const src = data ?? new Tensor(new Storage(allocate("float32", 0)), [0], [1], 0, "float32");
    super(src.storage, [...src.shape], [...src.strides], src.offset, src.dtype);
    this._initRequiresGrad(requiresGradOrShape === undefined ? true : (requiresGradOrShape as boolean));
    if (observer !== null) observer.onLeafCreated?.(this, "Parameter");
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

export function isParameter(v: unknown): v is Parameter {
  return v instanceof Parameter;
}

/**
 * Replaces a tensor's data in place, keeping its identity (PyTorch's `param.data = new`): optimizers
 * and modules holding the tensor see the new values, dtype and shape.
 */
export function setData(t: Tensor, src: Tensor): void {
  const data = allocate(src.dtype, src.numel());
  data.set(src.dataSync());
  const mutable = t as unknown as { storage: Storage; shape: number[]; strides: number[]; offset: number; dtype: DType };
  mutable.storage = new Storage(data);
  mutable.shape = [...src.shape];
  mutable.strides = contiguousStrides(src.shape);
  mutable.offset = 0;
  mutable.dtype = src.dtype;
}
