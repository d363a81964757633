import { Tensor } from "../tensor";
import type { DType } from "../dtype";
import * as F from "../functional";
import { zerosOf } from "../functional/raw";
import { checkOptions } from "../options";
import { Module } from "./module";
import { Parameter } from "./parameter";
import { calculateFanInAndFanOut, kaimingUniform_, uniform_, ones_, normal_, constant_ } from "./init";

// Layers of torch.nn beyond the core set: transposed convolutions, 1-D/adaptive pooling, group and
// instance norm, the remaining activations, dropout2d, bilinear, embedding bags, parameter containers
// and the extra losses. Each is a thin module over its F function.

type Pair = number | [number, number];

export interface ConvTransposeOptions<P> { stride?: P; padding?: P; outputPadding?: P; groups?: number; bias?: boolean; dilation?: P; dtype?: DType }

abstract class ConvTransposeNd extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inChannels: number, readonly outChannels: number, kernel: number[], readonly options: ConvTransposeOptions<unknown>) {
    super();
    checkOptions("ConvTranspose", options, { stride: "tuple", padding: "tuple", outputPadding: "tuple", groups: "int", bias: "bool", dilation: "tuple", dtype: "str" });
    const groups = options.groups ?? 1, dtype = options.dtype ?? "float32";
    if (inChannels % groups !== 0) throw new Error("in_channels must be divisible by groups");
    if (outChannels % groups !== 0) throw new Error("out_channels must be divisible by groups");
    // PyTorch's transposed weight layout: [in, out/groups, ...kernel]
    this.weight = new Parameter(zerosOf([inChannels, outChannels / groups, ...kernel], dtype));
    this.bias = options.bias ?? true ? new Parameter(zerosOf([outChannels], dtype)) : null;
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias !== null) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      uniform_(this.bias, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
    }
  }
}

export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvTransposeOptions<Pair> = {}) {
    super(inChannels, outChannels, typeof kernelSize === "number" ? [kernelSize, kernelSize] : kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    const { bias: _b, dtype: _d, ...o } = this.options as ConvTransposeOptions<Pair>;
    return F.convTranspose2d(input, this.weight, this.bias, o);
  }
}

export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: ConvTransposeOptions<number> = {}) {
    super(inChannels, outChannels, [kernelSize], options);
  }
  forward(input: Tensor): Tensor {
    const { bias: _b, dtype: _d, ...o } = this.options as ConvTransposeOptions<number>;
    return F.convTranspose1d(input, this.weight, this.bias, o);
  }
}

export class MaxPool1d extends Module {
  constructor(readonly kernelSize: number, readonly options: { stride?: number | null; padding?: number; dilation?: number; ceilMode?: boolean } = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.maxPool1d(x, this.kernelSize, this.options);
  }
}
export class AvgPool1d extends Module {
  constructor(readonly kernelSize: number, readonly options: { stride?: number | null; padding?: number; ceilMode?: boolean; countIncludePad?: boolean } = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.avgPool1d(x, this.kernelSize, this.options);
  }
}
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool1d(x, this.outputSize);
  }
}
export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: number | [number | null, number | null]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.adaptiveMaxPool2d(x, this.outputSize);
  }
}

export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  constructor(readonly numGroups: number, readonly numChannels: number, readonly options: { eps?: number; affine?: boolean; dtype?: DType } = {}) {
    super();
    checkOptions("GroupNorm", options, { eps: "float", affine: "bool", dtype: "str" });
    if (numChannels % numGroups !== 0) throw new Error("num_channels must be divisible by num_groups");
    const affine = options.affine ?? true, dtype = options.dtype ?? "float32";
    this.weight = affine ? ones_(new Parameter(zerosOf([numChannels], dtype))) as Parameter : null;
    this.bias = affine ? new Parameter(zerosOf([numChannels], dtype)) : null;
  }
  forward(x: Tensor): Tensor {
    return F.groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.options.eps ?? 1e-5 });
  }
}

export interface InstanceNormModuleOptions { eps?: number; momentum?: number; affine?: boolean; trackRunningStats?: boolean; dtype?: DType }
abstract class InstanceNormNd extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  constructor(readonly numFeatures: number, readonly options: InstanceNormModuleOptions, private readonly spatialDims: number) {
    super();
    checkOptions("InstanceNorm", options, { eps: "float", momentum: "float", affine: "bool", trackRunningStats: "bool", dtype: "str" });
    const dtype = options.dtype ?? "float32";
    this.weight = options.affine ? ones_(new Parameter(zerosOf([numFeatures], dtype))) as Parameter : null;
    this.bias = options.affine ? new Parameter(zerosOf([numFeatures], dtype)) : null;
    if (options.trackRunningStats) {
      this.registerBuffer("runningMean", zerosOf([numFeatures], dtype));
      this.registerBuffer("runningVar", ones_(zerosOf([numFeatures], dtype)));
    } else {
      this.registerBuffer("runningMean", null);
      this.registerBuffer("runningVar", null);
    }
  }
  forward(x: Tensor): Tensor {
    const unbatched = x.dim() === this.spatialDims + 1;
    const input = unbatched ? x.unsqueeze(0) : x;
    const useInputStats = this.training || !this.options.trackRunningStats;
    const out = F.instanceNorm(input, {
      runningMean: this.runningMean, runningVar: this.runningVar, weight: this.weight, bias: this.bias,
      useInputStats, momentum: this.options.momentum ?? 0.1, eps: this.options.eps ?? 1e-5,
    });
    return unbatched ? out.squeeze(0) : out;
  }
}
export class InstanceNorm1d extends InstanceNormNd {
  constructor(numFeatures: number, options: InstanceNormModuleOptions = {}) {
    super(numFeatures, options, 1);
  }
}
export class InstanceNorm2d extends InstanceNormNd {
  constructor(numFeatures: number, options: InstanceNormModuleOptions = {}) {
    super(numFeatures, options, 2);
  }
}

export interface ActivationModule extends Module {
  readonly inplace: boolean;
  forward(x: Tensor): Tensor;
}
/** Named so that the emitted declarations need not spell out Module's private members. */
export type ActivationClass = new (inplace?: boolean) => ActivationModule;

/** An activation module over one F function, with `inplace` where PyTorch has it. */
function activation(name: string, fn: (x: Tensor) => Tensor): ActivationClass {
  const cls = class extends Module {
    constructor(readonly inplace = false) {
      super();
    }
    forward(x: Tensor): Tensor {
      return this.inplace ? x.copy_(fn(x)) : fn(x);
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}
export const ReLU6 = activation("ReLU6", F.relu6);
export const SELU = activation("SELU", F.selu);
export const SiLU = activation("SiLU", F.silu);
export const Mish = activation("Mish", F.mish);
export const Hardswish = activation("Hardswish", F.hardswish);
export const Hardsigmoid = activation("Hardsigmoid", F.hardsigmoid);
export const Softsign = activation("Softsign", F.softsign);
export const LogSigmoid = activation("LogSigmoid", F.logsigmoid);

export class ELU extends Module {
  constructor(readonly alpha = 1, readonly inplace = false) {
    super();
  }
  forward(x: Tensor): Tensor {
    const y = F.elu(x, this.alpha);
    return this.inplace ? x.copy_(y) : y;
  }
}
export class CELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.celu(x, this.alpha);
  }
}
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.softplus(x, this.beta, this.threshold);
  }
}
export class Hardtanh extends Module {
  constructor(readonly minVal = -1, readonly maxVal = 1, readonly inplace = false) {
    super();
  }
  forward(x: Tensor): Tensor {
    const y = F.hardtanh(x, this.minVal, this.maxVal);
    return this.inplace ? x.copy_(y) : y;
  }
}
export class Softmin extends Module {
  constructor(readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.softmin(x, this.dim);
  }
}
export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.glu(x, this.dim);
  }
}
export class PReLU extends Module {
  weight: Parameter;
  constructor(readonly numParameters = 1, init = 0.25) {
    super();
    this.weight = constant_(new Parameter(zerosOf([numParameters], "float32")), init) as Parameter;
  }
  forward(x: Tensor): Tensor {
    return F.prelu(x, this.weight);
  }
}

export class Dropout2d extends Module {
  constructor(readonly p = 0.5, readonly inplace = false) {
    super();
    if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return F.dropout2d(x, { p: this.p, training: this.training });
  }
}

export class Bilinear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, options: { bias?: boolean; dtype?: DType } = {}) {
    super();
    const dtype = options.dtype ?? "float32";
    const bound = 1 / Math.sqrt(in1Features);
    this.weight = uniform_(new Parameter(zerosOf([outFeatures, in1Features, in2Features], dtype)), -bound, bound) as Parameter;
    this.bias = options.bias ?? true ? uniform_(new Parameter(zerosOf([outFeatures], dtype)), -bound, bound) as Parameter : null;
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return F.bilinear(x1, x2, this.weight, this.bias);
  }
}

export class CosineSimilarity extends Module {
  constructor(readonly options: { dim?: number; eps?: number } = {}) {
    super();
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return F.cosineSimilarity(x1, x2, this.options);
  }
}
export class PairwiseDistance extends Module {
  constructor(readonly options: { p?: number; eps?: number; keepdim?: boolean } = {}) {
    super();
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return F.pairwiseDistance(x1, x2, this.options);
  }
}

export class EmbeddingBag extends Module {
  weight: Parameter;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, readonly options: { mode?: "sum" | "mean" | "max"; dtype?: DType } = {}) {
    super();
    this.weight = normal_(new Parameter(zerosOf([numEmbeddings, embeddingDim], options.dtype ?? "float32"))) as Parameter;
  }
  forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    return F.embeddingBag(input, this.weight, { offsets, mode: this.options.mode ?? "mean", perSampleWeights });
  }
}

/** nn.ParameterList: parameters registered as "0", "1", … */
export class ParameterList extends Module {
  [index: number]: Parameter;
  constructor(params: Iterable<Tensor> = []) {
    super();
    for (const p of params) this.append(p);
  }
  get length(): number {
    return this._localParameters().length;
  }
  append(p: Tensor): this {
    this.registerParameter(String(this.length), p instanceof Parameter ? p : new Parameter(p));
    return this;
  }
  extend(ps: Iterable<Tensor>): this {
    for (const p of ps) this.append(p);
    return this;
  }
  at(i: number): Parameter {
    const list = this._localParameters();
    return list[i < 0 ? i + list.length : i][1];
  }
  *[Symbol.iterator](): Iterator<Parameter> {
    for (const [, p] of this._localParameters()) yield p;
  }
}

/** nn.ParameterDict: parameters under string keys. */
export class ParameterDict extends Module {
  constructor(params: Record<string, Tensor> = {}) {
    super();
    for (const [k, v] of Object.entries(params)) this.set(k, v);
  }
  set(key: string, p: Tensor): void {
    this.registerParameter(key, p instanceof Parameter ? p : new Parameter(p));
  }
  get(key: string): Parameter | undefined {
    return this._localParameters().find(([k]) => k === key)?.[1];
  }
  keys(): string[] {
    return this._localParameters().map(([k]) => k);
  }
  values(): Parameter[] {
    return this._localParameters().map(([, p]) => p);
  }
  items(): Array<[string, Parameter]> {
    return this._localParameters();
  }
  get length(): number {
    return this._localParameters().length;
  }
}

type Reduction = "mean" | "sum" | "none";
export class HuberLoss extends Module {
  constructor(readonly options: { reduction?: Reduction; delta?: number } = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, this.options);
  }
}
export class KLDivLoss extends Module {
  constructor(readonly options: F.KlDivOptions = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, this.options);
  }
}
export class CosineEmbeddingLoss extends Module {
  constructor(readonly options: { margin?: number; reduction?: Reduction } = {}) {
    super();
  }
  forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(x1, x2, target, this.options);
  }
}
export class MarginRankingLoss extends Module {
  constructor(readonly options: { margin?: number; reduction?: Reduction } = {}) {
    super();
  }
  forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(x1, x2, target, this.options);
  }
}
export class TripletMarginLoss extends Module {
  constructor(readonly options: { margin?: number; p?: number; eps?: number; swap?: boolean; reduction?: Reduction } = {}) {
    super();
  }
  forward(a: Tensor, p: Tensor, n: Tensor): Tensor {
    return F.tripletMarginLoss(a, p, n, this.options);
  }
}
export class GaussianNLLLoss extends Module {
  constructor(readonly options: { full?: boolean; eps?: number; reduction?: Reduction } = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return F.gaussianNllLoss(input, target, variance, this.options);
  }
}

