import type { Tensor } from "../tensor";
import { allocate, type DType } from "../dtype";
import { allocateUninitialized } from "../bufferPool";
import { record } from "../autograd/record";
import { registerOp } from "../ops/registry";
import { contiguousData, makeTensor } from "../ops/kernel";
import { squeeze, unsqueeze } from "../ops/shapeOps";
import type { FloatArray } from "../kernels/matmulRef";
import { im2colGeometry, type Im2colGeometry } from "../kernels/im2col";
import { convBackwardInto, convForwardInto, type ConvDims } from "../kernels/conv";
import { floatDtypeOf, floatValues } from "./raw";
import { isGradEnabled } from "../gradMode";
import { convGradsComposed } from "./convBackward";

// conv1d / conv2d via im2col + gemm, one ConvolutionBackward0 node (saving input and weight, as
// PyTorch does; the column matrix is rebuilt in backward rather than kept alive). Under createGraph
// the backward is made of convolutions instead (convBackward.ts), so it differentiates again.

export type IntOrPair = number | [number, number];
export type IntOrSingle = number | [number];

export interface Conv2dOptions {
  stride?: IntOrPair;
  padding?: IntOrPair | "valid" | "same";
  dilation?: IntOrPair;
  groups?: number;
}

export interface Conv1dOptions {
  stride?: IntOrSingle;
  padding?: IntOrSingle | "valid" | "same";
  dilation?: IntOrSingle;
  groups?: number;
}

function pair(v: IntOrPair | IntOrSingle): [number, number] {
  if (typeof v === "number") return [v, v];
  return v.length === 1 ? [v[0], v[0]] : [v[0], v[1]];
}

interface ConvShape {
  N: number; C: number; H: number; W: number;
  Cout: number; kH: number; kW: number;
  groups: number;
  geom: Im2colGeometry;
}

/**
 * Core of both convs: x [N,C,H,W], w [Cout, C/groups, kH, kW]; the products run image by image in
 * ../kernels/conv (one image's column matrix at a time, in wasm memory for float32).
 */
function convCore(
  op: "conv1d" | "conv2d", x: Tensor, w: Tensor, bias: Tensor | null, s: ConvShape, outShape: number[],
): Tensor {
  const { N, C, H, W, Cout, groups, geom } = s;
  const { K, L } = geom;
  const Kg = K / groups, Coutg = Cout / groups;
  const image = { ...geom, N: 1 };
  const inImage = C * H * W, outImage = Cout * L;
  const dtype: DType = floatDtypeOf(x, w, bias);
  const xd = floatValues(x, dtype), wd = floatValues(w, dtype);
  const out = allocateUninitialized(dtype, N * outImage) as FloatArray; // convForwardInto writes every element
  const bd = bias !== null ? contiguousData(bias) : null;
  const dims: ConvDims = { N, Cout, groups, image };
  convForwardInto(xd, wd, out, dims);
  for (let n = 0; n < N; n++) {
    if (bd !== null) {
      for (let c = 0; c < Cout; c++) {
        const base = n * outImage + c * L, b = bd[c];
        for (let i = 0; i < L; i++) out[base + i] += b;
      }
    }
  }
  const inputs = bias !== null ? [x, w, bias] : [x, w];
  const xShape = [...x.shape], wShape = [...w.shape];
  return record(op, "ConvolutionBackward0", inputs, makeTensor(out, outShape, dtype), (grad, node) => {
    const input = node.saved(0), weight = node.saved(1);
    if (isGradEnabled()) {
      const grads = convGradsComposed(input, weight, grad, geom, groups, node.needsInputGrad);
      return bias !== null ? grads : grads.slice(0, 2);
    }
    const gdt: DType = grad.dtype === "float64" ? "float64" : "float32";
    const gy = floatValues(grad, gdt);
    const needX = node.needsInputGrad[0], needW = node.needsInputGrad[1];
    // convBackwardInto writes every element of both
    const dx = needX ? (allocateUninitialized(gdt, N * inImage) as FloatArray) : null;
    const dw = needW ? (allocateUninitialized(gdt, Cout * Kg) as FloatArray) : null;
    if (needX || needW) convBackwardInto(needW ? floatValues(input, gdt) : null, floatValues(weight, gdt), gy, dx, dw, dims);
    let gb: Tensor | null = null;
    if (bias !== null && node.needsInputGrad[2]) {
      const db = allocate(gdt, Cout);
      for (let n = 0; n < N; n++)
        for (let c = 0; c < Cout; c++) {
          const base = (n * Cout + c) * L;
          let acc = 0;
          for (let i = 0; i < L; i++) acc += gy[base + i];
          db[c] += acc;
        }
      gb = makeTensor(db, [Cout], gdt);
    }
    const gx = dx !== null ? makeTensor(dx, xShape, gdt) : null;
    const gw = dw !== null ? makeTensor(dw, wShape, gdt) : null;
    return bias !== null ? [gx, gw, gb] : [gx, gw];
  }, { saved: [x, w] });
}

function samePadding(kernel: number, dilation: number, stride: number): number {
  if (stride !== 1) throw new Error("padding='same' is not supported for strided convolutions");
  const total = dilation * (kernel - 1);
  if (total % 2 !== 0) throw new Error("padding='same' with an even effective kernel size is not supported (PyTorch pads asymmetrically)");
  return total / 2;
}

function checkConvInput(
  op: string, x: Tensor, w: Tensor, bias: Tensor | null, groups: number, spatial: number,
): void {
  if (w.dim() !== spatial + 2) throw new Error(`weight should have at least three dimensions`);
  const C = x.shape[1], Cout = w.shape[0];
  if (!Number.isInteger(groups) || groups < 1) throw new Error("non-positive groups is not supported");
  if (Cout % groups !== 0) throw new Error("out_channels must be divisible by groups");
  if (w.shape[1] * groups !== C) {
    throw new Error(
      `Given groups=${groups}, weight of size [${w.shape.join(", ")}], expected input[${x.shape.join(", ")}] to have ${w.shape[1] * groups} channels, but got ${C} channels instead`,
    );
  }
  if (bias !== null && (bias.dim() !== 1 || bias.shape[0] !== Cout)) {
    throw new Error(`Given weight of size [${w.shape.join(", ")}], expected bias to be 1-dimensional with ${Cout} elements, but got bias of size [${bias.shape.join(", ")}] instead`);
  }
  void op;
}

function geometry(
  N: number, C: number, H: number, W: number, kH: number, kW: number,
  stride: [number, number], padding: [number, number], dilation: [number, number],
): Im2colGeometry {
  const effH = dilation[0] * (kH - 1) + 1, effW = dilation[1] * (kW - 1) + 1;
  const padH = H + 2 * padding[0], padW = W + 2 * padding[1];
  if (padH < effH || padW < effW) {
    throw new Error(
      `Calculated padded input size per channel: (${padH} x ${padW}). Kernel size: (${effH} x ${effW}). Kernel size can't be greater than actual input size`,
    );
  }
  return im2colGeometry(N, C, H, W, kH, kW, stride, padding, dilation);
}

registerOp({ name: "conv1d", gradFns: ["ConvolutionBackward0"] });
registerOp({ name: "conv2d", gradFns: ["ConvolutionBackward0"] });
/** torch.nn.functional.conv2d: input [N, C, H, W] (or unbatched [C, H, W]). */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  if (input.dim() === 3) return squeeze(conv2d(unsqueeze(input, 0), weight, bias, options), 0);
  if (input.dim() !== 4) {
    throw new Error(`Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [${input.shape.join(", ")}]`);
  }
  const groups = options.groups ?? 1;
  checkConvInput("conv2d", input, weight, bias, groups, 2);
  const [N, C, H, W] = input.shape;
  const [Cout, , kH, kW] = weight.shape;
  const stride = pair(options.stride ?? 1), dilation = pair(options.dilation ?? 1);
  const p = options.padding ?? 0;
  const padding: [number, number] =
    p === "valid" ? [0, 0] : p === "same" ? [samePadding(kH, dilation[0], stride[0]), samePadding(kW, dilation[1], stride[1])] : pair(p);
  const geom = geometry(N, C, H, W, kH, kW, stride, padding, dilation);
  return convCore("conv2d", input, weight, bias, { N, C, H, W, Cout, kH, kW, groups, geom }, [N, Cout, geom.outH, geom.outW]);
}

/** torch.nn.functional.conv1d: input [N, C, L] (or unbatched [C, L]). */
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  if (input.dim() === 2) return squeeze(conv1d(unsqueeze(input, 0), weight, bias, options), 0);
  if (input.dim() !== 3) {
    throw new Error(`Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [${input.shape.join(", ")}]`);
  }
  const groups = options.groups ?? 1;
  checkConvInput("conv1d", input, weight, bias, groups, 1);
  const [N, C, Lin] = input.shape;
  const [Cout, , k] = weight.shape;
  const stride = pair(options.stride ?? 1)[0], dilation = pair(options.dilation ?? 1)[0];
  const p = options.padding ?? 0;
  const padding = p === "valid" ? 0 : p === "same" ? samePadding(k, dilation, stride) : pair(p)[0];
  const geom = geometry(N, C, 1, Lin, 1, k, [1, stride], [0, padding], [1, dilation]);
  return convCore("conv1d", input, weight, bias, { N, C, H: 1, W: Lin, Cout, kH: 1, kW: k, groups, geom }, [N, Cout, geom.outW]);
}
