import type { Tensor } from "../tensor";
import { stack } from "../ops/indexing";
import { narrow, reshape } from "../ops/shapeOps";
import { sliceStep, indexAdd } from "../ops/indexExtra";
import { longTensor } from "../ops/shapeExtra";
import { allocate } from "../dtype";
import { makeTensor } from "../ops/kernel";
import { pad } from "./padding";

// F.unfold (im2col) and F.fold (col2im) for 4-D inputs, composed of strided slices and index adds.

type Pair = number | [number, number];
export interface FoldOptions { dilation?: Pair; padding?: Pair; stride?: Pair }
const pair = (v: Pair | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === "number" ? [v, v] : v);

/** F.unfold(x [N, C, H, W], kernelSize): [N, C·kH·kW, L] sliding blocks. */
export function unfold(x: Tensor, kernelSize: Pair, options: FoldOptions = {}): Tensor {
  const [kH, kW] = pair(kernelSize, 1), [dH, dW] = pair(options.dilation, 1), [pH, pW] = pair(options.padding, 0), [sH, sW] = pair(options.stride, 1);
  const xp = pH || pW ? pad(x, [pW, pW, pH, pH]) : x;
  const [N, C, H, W] = xp.shape;
  const oh = Math.floor((H - dH * (kH - 1) - 1) / sH) + 1, ow = Math.floor((W - dW * (kW - 1) - 1) / sW) + 1;
  const blocks: Tensor[] = [];
  for (let i = 0; i < kH; i++)
    for (let j = 0; j < kW; j++) {
      const rows = sliceStep(xp, 2, i * dH, i * dH + (oh - 1) * sH + 1, sH);
      blocks.push(sliceStep(rows, 3, j * dW, j * dW + (ow - 1) * sW + 1, sW));
    }
  return reshape(stack(blocks, 2), [N, C * kH * kW, oh * ow]);
}

/** F.fold(cols [N, C·kH·kW, L], outputSize, kernelSize): overlapping blocks summed back into an image. */
export function fold(cols: Tensor, outputSize: Pair, kernelSize: Pair, options: FoldOptions = {}): Tensor {
  const [H, W] = pair(outputSize, 1), [kH, kW] = pair(kernelSize, 1), [dH, dW] = pair(options.dilation, 1);
  const [pH, pW] = pair(options.padding, 0), [sH, sW] = pair(options.stride, 1);
  const Hp = H + 2 * pH, Wp = W + 2 * pW;
  const oh = Math.floor((Hp - dH * (kH - 1) - 1) / sH) + 1, ow = Math.floor((Wp - dW * (kW - 1) - 1) / sW) + 1;
  const N = cols.shape[0], C = cols.shape[1] / (kH * kW);
  if (cols.shape[2] !== oh * ow) throw new Error(`Given output_size=(${H}, ${W}), kernel_size=(${kH}, ${kW}), expected size of input's dimension 2 to match the calculated number of sliding blocks ${oh} * ${ow} = ${oh * ow}, but got input.size(2)=${cols.shape[2]}.`);
  const blocks = reshape(cols, [N, C, kH * kW, oh * ow]);
  let out = makeTensor(allocate(cols.dtype, N * C * Hp * Wp), [N, C, Hp * Wp], cols.dtype);
  for (let i = 0; i < kH; i++)
    for (let j = 0; j < kW; j++) {
      const pos: number[] = [];
      for (let a = 0; a < oh; a++) for (let b = 0; b < ow; b++) pos.push((a * sH + i * dH) * Wp + b * sW + j * dW);
      out = indexAdd(out, 2, longTensor(pos), narrow(blocks, 2, i * kW + j, 1).reshape([N, C, oh * ow]));
    }
  const img = reshape(out, [N, C, Hp, Wp]);
  return pH || pW ? narrow(narrow(img, 2, pH, H), 3, pW, W) : img;
}
