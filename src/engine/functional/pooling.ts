import type { Tensor } from "../tensor";
import { allocate, type DType } from "../dtype";
import { record } from "../autograd/record";
import { registerOp } from "../ops/registry";
import { contiguousData, makeTensor } from "../ops/kernel";
import type { TypedArray } from "../dtype";
import { isGradEnabled } from "../gradMode";
import { scatterAdd } from "../ops/indexing";
import { reshape } from "../ops/shapeOps";

// 2-D pooling over the last two dims of [N, C, H, W] or [C, H, W] tensors (every leading dim is a plane).
// Second order: max-pool's backward scatters through the saved indices (scatter_add under createGraph);
// the average pools are linear, so each is paired with its adjoint (the backward) as two ops whose
// backwards are each other, and both differentiate any number of times.

type IntOrPair = number | [number, number];

function pair(v: IntOrPair): [number, number] {
  return typeof v === "number" ? [v, v] : [v[0], v[1]];
}

/** PyTorch's pooling_output_shape. */
function poolOutSize(size: number, k: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  const num = size + 2 * pad - dilation * (k - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(num / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

interface PoolGeom {
  planes: number; H: number; W: number; oH: number; oW: number;
  kH: number; kW: number; sH: number; sW: number; pH: number; pW: number;
}

function poolGeom(
  op: string, x: Tensor, kernel: IntOrPair, stride: IntOrPair | null | undefined, padding: IntOrPair,
  dilation: IntOrPair, ceilMode: boolean,
): PoolGeom & { dH: number; dW: number } {
  if (x.dim() !== 3 && x.dim() !== 4) {
    throw new Error(`${op}: Expected 3D or 4D (batch mode) tensor for input, but got: [${x.shape.join(", ")}]`);
  }
  const [kH, kW] = pair(kernel);
  const [sH, sW] = stride === null || stride === undefined ? [kH, kW] : pair(stride);
  const [pH, pW] = pair(padding);
  const [dH, dW] = pair(dilation);
  if (pH > kH / 2 || pW > kW / 2) {
    throw new Error(`pad should be at most half of effective kernel size, but got pad=${pH}, kernel_size=${kH} and dilation=${dH}`);
  }
  const H = x.shape[x.dim() - 2], W = x.shape[x.dim() - 1];
  const oH = poolOutSize(H, kH, pH, sH, dH, ceilMode), oW = poolOutSize(W, kW, pW, sW, dW, ceilMode);
  if (oH < 1 || oW < 1) {
    throw new Error(`Given input size: (${x.shape.slice(0, -2).slice(-1).join("")}x${H}x${W}). Calculated output size: (${x.shape.slice(0, -2).slice(-1).join("")}x${oH}x${oW}). Output size is too small`);
  }
  return { planes: x.numel() / (H * W), H, W, oH, oW, kH, kW, sH, sW, pH, pW, dH, dW };
}

function floatDtype(x: Tensor): DType {
  return x.dtype === "float64" ? "float64" : "float32";
}

export interface MaxPool2dOptions {
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  ceilMode?: boolean;
}

registerOp({ name: "maxPool2d", gradFns: ["MaxPool2DWithIndicesBackward0"] });
registerOp({ name: "avgPool2d", gradFns: ["AvgPool2DBackward0"] });
registerOp({ name: "avgPool2dBackward", gradFns: ["AvgPool2DBackwardBackward0"] });
registerOp({ name: "adaptiveAvgPool2d", gradFns: ["AdaptiveAvgPool2DBackward0"] });
registerOp({ name: "adaptiveAvgPool2dBackward", gradFns: ["AdaptiveAvgPool2DBackwardBackward0"] });
/** max_pool2d; the gradient goes to the (first) maximum of each window. */
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, options: MaxPool2dOptions = {}): Tensor {
  return maxPool2dWithIndices(input, kernelSize, options).values;
}

export function maxPool2dWithIndices(input: Tensor, kernelSize: IntOrPair, options: MaxPool2dOptions = {}): { values: Tensor; indices: Tensor } {
  const g = poolGeom("max_pool2d", input, kernelSize, options.stride, options.padding ?? 0, options.dilation ?? 1, options.ceilMode ?? false);
  const { planes, H, W, oH, oW, kH, kW, sH, sW, pH, pW, dH, dW } = g;
  const src = contiguousData(input);
  const dtype = input.dtype;
  const out = allocate(dtype, planes * oH * oW);
  const idx = new Float64Array(planes * oH * oW);
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    for (let oh = 0; oh < oH; oh++)
      for (let ow = 0; ow < oW; ow++) {
        let best = -Infinity, at = -1;
        for (let i = 0; i < kH; i++) {
          const h = oh * sH - pH + i * dH;
          if (h < 0 || h >= H) continue;
          for (let j = 0; j < kW; j++) {
            const w = ow * sW - pW + j * dW;
            if (w < 0 || w >= W) continue;
            const v = src[base + h * W + w];
            if (v > best || Number.isNaN(v) || at < 0) {
              best = v;
              at = h * W + w;
              if (Number.isNaN(v)) break;
            }
          }
        }
        const o = (p * oH + oh) * oW + ow;
        out[o] = best;
        idx[o] = at;
      }
  }
  const outShape = [...input.shape.slice(0, -2), oH, oW];
  const indices = makeTensor(idx, outShape, "int64");
  const inShape = [...input.shape];
  const values = record("maxPool2d", "MaxPool2DWithIndicesBackward0", [input], makeTensor(out, outShape, dtype), (grad, node) => {
    if (isGradEnabled()) {
      // createGraph: the same scatter as an op (its gradient gathers at the indices)
      const zeros = makeTensor(allocate(grad.dtype, planes * H * W), [planes, H * W], grad.dtype);
      const at = reshape(node.saved(1), [planes, oH * oW]);
      return [reshape(scatterAdd(zeros, 1, at, reshape(grad, [planes, oH * oW])), inShape)];
    }
    const ix = contiguousData(node.saved(1));
    const gd = contiguousData(grad);
    const gx = allocate(grad.dtype, planes * H * W);
    for (let p = 0; p < planes; p++)
      for (let o = 0; o < oH * oW; o++) {
        const k = p * oH * oW + o;
        if (ix[k] >= 0) gx[p * H * W + ix[k]] += gd[k];
      }
    return [makeTensor(gx, inShape, grad.dtype)];
  }, { saved: [input, indices] });
  return { values, indices };
}

export interface AvgPool2dOptions {
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** avg_pool2d with PyTorch's divisor rules (countIncludePad, divisorOverride). */
export function avgPool2d(input: Tensor, kernelSize: IntOrPair, options: AvgPool2dOptions = {}): Tensor {
  const g = poolGeom("avg_pool2d", input, kernelSize, options.stride, options.padding ?? 0, 1, options.ceilMode ?? false);
  const { planes, H, W, oH, oW, kH, kW, sH, sW, pH, pW } = g;
  const countIncludePad = options.countIncludePad ?? true;
  const divisorOverride = options.divisorOverride ?? null;
  // per output cell: the clipped window and its divisor (shared by forward and backward)
  const win = new Int32Array(oH * oW * 4);
  const div = new Float64Array(oH * oW);
  for (let oh = 0; oh < oH; oh++)
    for (let ow = 0; ow < oW; ow++) {
      let h0 = oh * sH - pH, w0 = ow * sW - pW;
      let h1 = Math.min(h0 + kH, H + pH), w1 = Math.min(w0 + kW, W + pW);
      const poolSize = (h1 - h0) * (w1 - w0);
      h0 = Math.max(h0, 0); w0 = Math.max(w0, 0);
      h1 = Math.min(h1, H); w1 = Math.min(w1, W);
      const o = oh * oW + ow;
      win.set([h0, h1, w0, w1], o * 4);
      div[o] = divisorOverride ?? (countIncludePad ? poolSize : (h1 - h0) * (w1 - w0));
    }
  const pool = (src: TypedArray, dtype: DType) => {
    const out = allocate(dtype, planes * oH * oW);
    for (let p = 0; p < planes; p++) {
      const base = p * H * W;
      for (let o = 0; o < oH * oW; o++) {
        const h0 = win[o * 4], h1 = win[o * 4 + 1], w0 = win[o * 4 + 2], w1 = win[o * 4 + 3];
        let acc = 0;
        for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) acc += src[base + h * W + w];
        out[p * oH * oW + o] = acc / div[o];
      }
    }
    return out;
  };
  const spread = (gd: TypedArray, dtype: DType) => {
    const gx = allocate(dtype, planes * H * W);
    for (let p = 0; p < planes; p++) {
      const base = p * H * W;
      for (let o = 0; o < oH * oW; o++) {
        const h0 = win[o * 4], h1 = win[o * 4 + 1], w0 = win[o * 4 + 2], w1 = win[o * 4 + 3];
        const v = gd[p * oH * oW + o] / div[o];
        for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) gx[base + h * W + w] += v;
      }
    }
    return gx;
  };
  return linearPair("avgPool2d", "AvgPool2DBackward0", "AvgPool2DBackwardBackward0", pool, spread, input, [...input.shape.slice(0, -2), oH, oW]);
}

/**
 * A linear pooling op `pool` (input shape -> outShape) and its adjoint `spread`, recorded as two ops
 * whose backwards call each other: d pool = spread and d spread = pool, at every order.
 */
function linearPair(
  op: "avgPool2d" | "adaptiveAvgPool2d", gradFn: string, backwardGradFn: string,
  pool: (src: TypedArray, dtype: DType) => TypedArray, spread: (g: TypedArray, dtype: DType) => TypedArray,
  input: Tensor, outShape: number[],
): Tensor {
  const inShape = [...input.shape];
  const forward = (x: Tensor, saveInput: boolean): Tensor =>
    record(op, gradFn, [x], makeTensor(pool(contiguousData(x), floatDtype(x)), outShape, floatDtype(x)), (g) => [backward(g)],
      { saved: saveInput ? [x] : [] });
  const backward = (g: Tensor): Tensor =>
    record(`${op}Backward`, backwardGradFn, [g], makeTensor(spread(contiguousData(g), floatDtype(g)), inShape, floatDtype(g)), (gg) => [forward(gg, false)]);
  return forward(input, true);
}

/** adaptive_avg_pool2d: windows [floor(i·H/oH), ceil((i+1)·H/oH)). `null` keeps that input size. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | [number | null, number | null]): Tensor {
  if (input.dim() !== 3 && input.dim() !== 4) {
    throw new Error(`adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [${input.shape.join(", ")}]`);
  }
  const H = input.shape[input.dim() - 2], W = input.shape[input.dim() - 1];
  const [rh, rw] = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  const oH = rh ?? H, oW = rw ?? W;
  const planes = input.numel() / (H * W);
  const start = (i: number, o: number, n: number) => Math.floor((i * n) / o);
  const end = (i: number, o: number, n: number) => Math.ceil(((i + 1) * n) / o);
  const pool = (src: TypedArray, dtype: DType) => {
    const out = allocate(dtype, planes * oH * oW);
    for (let p = 0; p < planes; p++)
      for (let oh = 0; oh < oH; oh++)
        for (let ow = 0; ow < oW; ow++) {
          const h0 = start(oh, oH, H), h1 = end(oh, oH, H), w0 = start(ow, oW, W), w1 = end(ow, oW, W);
          let acc = 0;
          for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) acc += src[p * H * W + h * W + w];
          out[(p * oH + oh) * oW + ow] = acc / ((h1 - h0) * (w1 - w0));
        }
    return out;
  };
  const spread = (gd: TypedArray, dtype: DType) => {
    const gx = allocate(dtype, planes * H * W);
    for (let p = 0; p < planes; p++)
      for (let oh = 0; oh < oH; oh++)
        for (let ow = 0; ow < oW; ow++) {
          const h0 = start(oh, oH, H), h1 = end(oh, oH, H), w0 = start(ow, oW, W), w1 = end(ow, oW, W);
          const v = gd[(p * oH + oh) * oW + ow] / ((h1 - h0) * (w1 - w0));
          for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) gx[p * H * W + h * W + w] += v;
        }
    return gx;
  };
  const outShape = [...input.shape.slice(0, -2), oH, oW];
  return linearPair("adaptiveAvgPool2d", "AdaptiveAvgPool2DBackward0", "AdaptiveAvgPool2DBackwardBackward0", pool, spread, input, outShape);
}
