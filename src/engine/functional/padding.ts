import type { Tensor } from "../tensor";
import { cat, indexSelect } from "../ops/indexing";
import { narrow } from "../ops/shapeOps";
import { add, mul } from "../ops/binary";
import { longTensor } from "../ops/shapeExtra";
import { allocate } from "../dtype";
import { makeTensor } from "../ops/kernel";
import { checkOptions } from "../options";

// F.pad and F.interpolate, composed of cat / narrow / indexSelect (so gradients flow through them).

export type PadMode = "constant" | "reflect" | "replicate" | "circular";

function constantBlock(x: Tensor, d: number, n: number, value: number): Tensor {
  const shape = [...x.shape];
  shape[d] = n;
  const data = allocate(x.dtype, shape.reduce((a, b) => a * b, 1));
  if (value !== 0) data.fill(value);
  return makeTensor(data, shape, x.dtype);
}

/** F.pad(x, pad, { mode, value }): `pad` lists (before, after) pairs from the last dim backwards. */
export function pad(x: Tensor, padding: number[], options: { mode?: PadMode; value?: number } | PadMode = {}): Tensor {
  const o = typeof options === "string" ? { mode: options } : checkOptions("pad", options, { mode: "str", value: "float" });
  const mode = o.mode ?? "constant", value = (o as { value?: number }).value ?? 0;
  if (padding.length % 2 !== 0) throw new Error("Padding length must be divisible by 2");
  if (padding.length / 2 > x.dim()) throw new Error("Padding length too large");
  let out = x;
  for (let k = 0; k < padding.length / 2; k++) {
    const d = x.dim() - 1 - k, before = padding[2 * k], after = padding[2 * k + 1];
    if (before === 0 && after === 0) continue;
    const n = out.shape[d];
    if (mode === "constant") {
      // negative padding crops
      const start = Math.max(0, -before), len = n - start - Math.max(0, -after);
      let mid = start > 0 || len < n ? narrow(out, d, start, len) : out;
      const parts: Tensor[] = [];
      if (before > 0) parts.push(constantBlock(mid, d, before, value));
      parts.push(mid);
      if (after > 0) parts.push(constantBlock(mid, d, after, value));
      mid = parts.length > 1 ? cat(parts, d) : mid;
      out = mid;
      continue;
    }
    if ((mode === "reflect" && (before >= n || after >= n)) || (mode === "circular" && (before > n || after > n))) {
      throw new Error(`Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${d} of input [${x.shape.join(", ")}]`);
    }
    const idx: number[] = [];
    for (let i = -before; i < n + after; i++) {
      if (mode === "replicate") idx.push(Math.min(Math.max(i, 0), n - 1));
      else if (mode === "circular") idx.push(((i % n) + n) % n);
      else idx.push(i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
    }
    out = indexSelect(out, d, longTensor(idx));
  }
  return out;
}

export interface InterpolateOptions {
  size?: number | number[];
  scaleFactor?: number | number[];
  mode?: "nearest" | "linear" | "bilinear" | "nearest-exact";
  alignCorners?: boolean | null;
}

/** F.interpolate for 1-D/2-D spatial inputs ([N, C, W] or [N, C, H, W]): nearest or (bi)linear. */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const o = checkOptions("interpolate", options, { size: "tuple", scaleFactor: "tuple", mode: "str", alignCorners: "bool?", recomputeScaleFactor: "bool?", antialias: "bool" } as Record<string, string>);
  const mode = o.mode ?? "nearest";
  const spatial = x.dim() - 2;
  const list = (v: number | number[] | undefined) => (v === undefined ? undefined : typeof v === "number" ? Array(spatial).fill(v) : v);
  const sizes = list(o.size), scales = list(o.scaleFactor);
  if ((sizes === undefined) === (scales === undefined)) throw new Error("only one of size or scale_factor should be defined");
  const outSizes = sizes ?? x.shape.slice(2).map((s, i) => Math.floor(s * scales![i]));
  const alignCorners = o.alignCorners ?? false;
  let out = x;
  for (let k = 0; k < spatial; k++) {
    const d = 2 + k, inN = x.shape[d], outN = outSizes[k];
    // PyTorch uses 1/scale_factor when given, else in/out
    const scale = scales !== undefined ? 1 / scales[k] : inN / outN;
    if (mode === "nearest" || mode === "nearest-exact") {
      const idx = Array.from({ length: outN }, (_, i) => Math.min(mode === "nearest" ? Math.floor(i * scale) : Math.floor((i + 0.5) * scale), inN - 1));
      out = indexSelect(out, d, longTensor(idx));
      continue;
    }
    const lo: number[] = [], hi: number[] = [], wHi: number[] = [];
    for (let i = 0; i < outN; i++) {
      let src = alignCorners ? (outN > 1 ? (i * (inN - 1)) / (outN - 1) : 0) : Math.max((i + 0.5) * scale - 0.5, 0);
      src = Math.min(src, inN - 1);
      const l = Math.floor(src);
      lo.push(l);
      hi.push(Math.min(l + 1, inN - 1));
      wHi.push(src - l);
    }
    const shape = Array(out.dim()).fill(1);
    shape[d] = outN;
    const w = makeTensor(allocate(out.dtype, outN).map((_, i) => wHi[i]), shape, out.dtype);
    const wl = makeTensor(allocate(out.dtype, outN).map((_, i) => 1 - wHi[i]), shape, out.dtype);
    out = add(mul(indexSelect(out, d, longTensor(lo)), wl), mul(indexSelect(out, d, longTensor(hi)), w));
  }
  return out;
}
