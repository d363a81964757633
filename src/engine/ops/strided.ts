import type { Tensor } from "../tensor";
import { allocate } from "../dtype";
import { numelOf } from "../shape";
import { record } from "../autograd/record";
import { contiguousData, gatherStrided, makeTensor, scatterStrided } from "./kernel";
import { registerOp } from "./registry";

// The two linear maps behind every view's backward (slice, select, split, unbind, and the regenerated
// views of in-place ops): writing a gradient into zeros at a strided region, and reading that region
// back. Each is the other's backward, so gradients through views stay differentiable (createGraph).

/** Where a region sits inside a contiguous tensor: its shape, strides and offset in elements. */
export interface Geometry {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

const SCATTER_NAMES = ["SliceBackwardBackward0", "SelectBackwardBackward0", "AsStridedScatterBackward0"] as const;
registerOp({ name: "stridedScatter", gradFns: SCATTER_NAMES });
registerOp({ name: "stridedGather", gradFns: ["AsStridedBackward1"] });

/** Zeros of `shape` with `g` (of geometry.shape) written at the region. */
export function stridedScatter(
  g: Tensor, shape: readonly number[], geometry: Geometry, gradFn: (typeof SCATTER_NAMES)[number] = "AsStridedScatterBackward0",
): Tensor {
  const data = allocate(g.dtype, numelOf(shape));
  scatterStrided(contiguousData(g), data, geometry.offset, geometry.shape, geometry.strides);
  return record("stridedScatter", gradFn, [g], makeTensor(data, shape, g.dtype), (gg) => [stridedGather(gg, geometry)]);
}

/** The region of x (read as contiguous), as a new tensor of geometry.shape. */
export function stridedGather(x: Tensor, geometry: Geometry): Tensor {
  const out = allocate(x.dtype, numelOf(geometry.shape));
  gatherStrided(contiguousData(x), geometry.offset, geometry.shape, geometry.strides, out);
  const shape = [...x.shape];
  return record("stridedGather", "AsStridedBackward1", [x], makeTensor(out, geometry.shape, x.dtype), (gg) => [
    stridedScatter(gg, shape, geometry),
  ]);
}

/** A bool tensor of `shape`, true inside the region (constant masks for where()). */
export function regionMask(shape: readonly number[], geometry: Geometry): Tensor {
  const data = new Uint8Array(numelOf(shape));
  scatterStrided(new Uint8Array(numelOf(geometry.shape)).fill(1), data, geometry.offset, geometry.shape, geometry.strides);
  return makeTensor(data, shape, "bool");
}
