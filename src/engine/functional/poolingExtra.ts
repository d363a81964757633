import type { Tensor } from "../tensor";
import { stack } from "../ops/indexing";
import { narrow, squeeze, unsqueeze } from "../ops/shapeOps";
import { maxPool2d, avgPool2d, adaptiveAvgPool2d } from "./pooling";

// 1-D pooling as 2-D pooling over a height of 1, and adaptive max pooling from window maxima.

type One = number | [number];
const first = (v: One | null | undefined): number | undefined => (v === undefined || v === null ? undefined : typeof v === "number" ? v : v[0]);

export interface MaxPool1dOptions { stride?: One | null; padding?: One; dilation?: One; ceilMode?: boolean }
export function maxPool1d(x: Tensor, kernelSize: One, options: MaxPool1dOptions = {}): Tensor {
  const k = first(kernelSize)!, s = first(options.stride) ?? k;
  const out = maxPool2d(unsqueeze(x, -2), [1, k], {
    stride: [1, s], padding: [0, first(options.padding) ?? 0], dilation: [1, first(options.dilation) ?? 1], ceilMode: options.ceilMode,
  });
  return squeeze(out, -2);
}

export interface AvgPool1dOptions { stride?: One | null; padding?: One; ceilMode?: boolean; countIncludePad?: boolean }
export function avgPool1d(x: Tensor, kernelSize: One, options: AvgPool1dOptions = {}): Tensor {
  const k = first(kernelSize)!, s = first(options.stride) ?? k;
  const out = avgPool2d(unsqueeze(x, -2), [1, k], {
    stride: [1, s], padding: [0, first(options.padding) ?? 0], ceilMode: options.ceilMode, countIncludePad: options.countIncludePad,
  });
  return squeeze(out, -2);
}

export function adaptiveAvgPool1d(x: Tensor, outputSize: One): Tensor {
  return squeeze(adaptiveAvgPool2d(unsqueeze(x, -2), [1, first(outputSize)!]), -2);
}

/** PyTorch's adaptive windows: [floor(i·n/out), ceil((i+1)·n/out)). */
function windows(n: number, out: number): Array<[number, number]> {
  return Array.from({ length: out }, (_, i) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)]);
}

/** F.adaptive_max_pool2d (values only). */
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | [number | null, number | null]): Tensor {
  const [oh, ow] = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  const H = x.shape[x.dim() - 2], W = x.shape[x.dim() - 1];
  const hd = x.dim() - 2, wd = x.dim() - 1;
  const rows = windows(H, oh ?? H).map(([h0, h1]) =>
    stack(windows(W, ow ?? W).map(([w0, w1]) => narrow(narrow(x, hd, h0, h1 - h0), wd, w0, w1 - w0).amax([hd, wd])), -1));
  return stack(rows, -2);
}
