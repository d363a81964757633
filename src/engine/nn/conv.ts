import type { Tensor } from "../tensor";
import type { DType } from "../dtype";
import { conv1d, conv2d } from "../functional/conv";
import { zerosOf } from "../functional/raw";
import { Module } from "./module";
import { Parameter } from "./parameter";
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from "./init";

type Pair = number | [number, number];

export interface ConvOptions<P> {
  stride?: P;
  padding?: P | "valid" | "same";
  dilation?: P;
  groups?: number;
  bias?: boolean;
  paddingMode?: "zeros";
  dtype?: DType;
}

function asPair(v: Pair): [number, number] {
  return typeof v === "number" ? [v, v] : [v[0], v[1]];
}

/** Shared by Conv1d / Conv2d: weight [out, in/groups, ...kernel], PyTorch's init. */
abstract class ConvNd extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernel: number[], options: ConvOptions<unknown>) {
    super();
    this.groups = options.groups ?? 1;
    if (this.groups <= 0) throw new Error("groups must be a positive integer");
    if (inChannels % this.groups !== 0) throw new Error("in_channels must be divisible by groups");
    if (outChannels % this.groups !== 0) throw new Error("out_channels must be divisible by groups");
    if ((options.paddingMode ?? "zeros") !== "zeros") throw new Error("only paddingMode 'zeros' is supported");
    const dtype = options.dtype ?? "float32";
    this.weight = new Parameter(zerosOf([outChannels, inChannels / this.groups, ...kernel], dtype));
    this.bias = options.bias ?? true ? new Parameter(zerosOf([outChannels], dtype)) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias !== null) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }
}

export class Conv2d extends ConvNd {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | "valid" | "same";
  readonly dilation: [number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvOptions<Pair> = {}) {
    super(inChannels, outChannels, asPair(kernelSize), options);
    this.kernelSize = asPair(kernelSize);
    this.stride = asPair(options.stride ?? 1);
    const p = options.padding ?? 0;
    this.padding = typeof p === "string" ? p : asPair(p);
    this.dilation = asPair(options.dilation ?? 1);
  }

  forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    const pair = (p: [number, number]) => `(${p[0]}, ${p[1]})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=${pair(this.kernelSize)}, stride=${pair(this.stride)}`;
    if (typeof this.padding === "string" || this.padding[0] !== 0 || this.padding[1] !== 0) {
      s += `, padding=${typeof this.padding === "string" ? this.padding : pair(this.padding)}`;
    }
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${pair(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=false";
    return s;
  }
}

export class Conv1d extends ConvNd {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | "valid" | "same";
  readonly dilation: number;

  constructor(inChannels: number, outChannels: number, kernelSize: number | [number], options: ConvOptions<number | [number]> = {}) {
    const k = typeof kernelSize === "number" ? kernelSize : kernelSize[0];
    super(inChannels, outChannels, [k], options);
    const one = (v: number | [number]) => (typeof v === "number" ? v : v[0]);
    this.kernelSize = k;
    this.stride = one(options.stride ?? 1);
    const p = options.padding ?? 0;
    this.padding = typeof p === "string" ? p : one(p);
    this.dilation = one(options.dilation ?? 1);
  }

  forward(input: Tensor): Tensor {
    return conv1d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=(${this.kernelSize},), stride=(${this.stride},)`;
    if (this.padding !== 0) s += `, padding=${typeof this.padding === "string" ? this.padding : `(${this.padding},)`}`;
    if (this.dilation !== 1) s += `, dilation=(${this.dilation},)`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=false";
    return s;
  }
}
