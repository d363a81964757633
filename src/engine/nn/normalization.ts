import type { Tensor } from "../tensor";
import type { DType } from "../dtype";
import { observer } from "../observer";
import { batchNorm, layerNorm } from "../functional/normalization";
import { updateInPlace, valuesOf, zerosOf } from "../functional/raw";
import { Module } from "./module";
import { Parameter } from "./parameter";
import { ones_ } from "./init";

export interface LayerNormOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  bias?: boolean;
  dtype?: DType;
}

export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    const dtype = options.dtype ?? "float32";
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(ones_(zerosOf(this.normalizedShape, dtype))) : null;
    this.bias = affine && (options.bias ?? true) ? new Parameter(zerosOf(this.normalizedShape, dtype)) : null;
  }

  forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(", ")}${this.normalizedShape.length === 1 ? "," : ""}), eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}

export interface BatchNormModuleOptions {
  eps?: number;
  /** null: cumulative moving average */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: DType;
}

/** BatchNorm over dim 1; running stats are updated in train mode and used in eval mode. */
abstract class BatchNormNd extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  declare numBatchesTracked: Tensor | null;

  constructor(readonly numFeatures: number, options: BatchNormModuleOptions = {}) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    const dtype = options.dtype ?? "float32";
    this.weight = this.affine ? new Parameter(ones_(zerosOf([numFeatures], dtype))) : null;
    this.bias = this.affine ? new Parameter(zerosOf([numFeatures], dtype)) : null;
    if (this.trackRunningStats) {
      this.registerBuffer("runningMean", zerosOf([numFeatures], dtype));
      this.registerBuffer("runningVar", ones_(zerosOf([numFeatures], dtype)));
      this.registerBuffer("numBatchesTracked", zerosOf([], "int64"));
    } else {
      this.registerBuffer("runningMean", null);
      this.registerBuffer("runningVar", null);
      this.registerBuffer("numBatchesTracked", null);
    }
  }

  protected abstract checkInputDim(input: Tensor): void;

  forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    const updating = this.training && this.trackRunningStats && this.numBatchesTracked !== null;
    if (updating) {
      updateInPlace(this.numBatchesTracked!, (d, o) => {
        d[o] += 1;
      });
      if (this.momentum === null) factor = 1 / valuesOf(this.numBatchesTracked!)[0];
    }
    const bnTraining = this.training || (this.runningMean === null && this.runningVar === null);
    const useStats = !this.training || this.trackRunningStats;
    const out = batchNorm(input, useStats ? this.runningMean : null, useStats ? this.runningVar : null, {
      weight: this.weight, bias: this.bias, training: bnTraining, momentum: factor, eps: this.eps,
    });
    if (updating && observer !== null) {
      for (const name of ["runningMean", "runningVar", "numBatchesTracked"] as const) {
        observer.onEvent?.({ kind: "buffer-update", module: this, name, buffer: this[name]! });
      }
    }
    return out;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum ?? "None"}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

export class BatchNorm1d extends BatchNormNd {
  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3) throw new Error(`expected 2D or 3D input (got ${input.dim()}D input)`);
  }
}

export class BatchNorm2d extends BatchNormNd {
  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 4) throw new Error(`expected 4D input (got ${input.dim()}D input)`);
  }
}
