import type { Tensor } from "../tensor";
import type { DType } from "../dtype";
import { linear } from "../functional/linear";
import { zerosOf } from "../functional/raw";
import { flatten, reshape } from "../ops/shapeOps";
import { normalizeDim } from "../shape";
import { Module } from "./module";
import { Parameter } from "./parameter";
import { kaimingUniform_, uniform_ } from "./init";

export interface LinearOptions {
  bias?: boolean;
  dtype?: DType;
}

/** y = x Wᵀ + b, weight [outFeatures, inFeatures], initialised as PyTorch does (kaiming uniform, a = √5). */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: boolean | LinearOptions = {}) {
    super();
    const opts = typeof options === "boolean" ? { bias: options } : options;
    const dtype = opts.dtype ?? "float32";
    this.weight = new Parameter(zerosOf([outFeatures, inFeatures], dtype));
    this.bias = opts.bias ?? true ? new Parameter(zerosOf([outFeatures], dtype)) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias !== null) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** Returns its input unchanged. */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  forward(input: Tensor): Tensor {
    return input;
  }
}

/** Flattens dims startDim..endDim (default 1..-1: keeps the batch dim). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/** Expands one dim into `unflattenedSize`. */
export class Unflatten extends Module {
  constructor(readonly dim: number, readonly unflattenedSize: number[]) {
    super();
  }

  forward(input: Tensor): Tensor {
    const d = normalizeDim(this.dim, input.dim());
    return reshape(input, [...input.shape.slice(0, d), ...this.unflattenedSize, ...input.shape.slice(d + 1)]);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattenedSize=[${this.unflattenedSize.join(", ")}]`;
  }
}
