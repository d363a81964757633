import type { Tensor } from "../tensor";
import { cat } from "../ops/indexing";
import { narrow, reshape, transpose, unsqueeze, squeeze } from "../ops/shapeOps";
import { flip } from "../ops/shapeExtra";
import { allocate } from "../dtype";
import { makeTensor } from "../ops/kernel";
import { checkOptions } from "../options";
import { conv2d } from "./conv";
import { pad } from "./padding";

// conv_transpose1d/2d as the convolution it is the gradient of: spread the input by `stride`
// (zeros between elements), pad by dilation·(k − 1) − padding (plus output_padding at the end),
// and convolve with the flipped kernel with in/out channels swapped (per group). Gradients for
// input, weight and bias come from conv2d, cat, narrow and indexSelect.

type Pair = number | [number, number];

export interface ConvTranspose2dOptions { stride?: Pair; padding?: Pair; outputPadding?: Pair; groups?: number; dilation?: Pair }
export interface ConvTranspose1dOptions { stride?: number | [number]; padding?: number | [number]; outputPadding?: number | [number]; groups?: number; dilation?: number | [number] }

const SPEC = { stride: "tuple", padding: "tuple", outputPadding: "tuple", groups: "int", dilation: "tuple" };

function pairOf(v: number | number[] | undefined, dflt: number): [number, number] {
  if (v === undefined) return [dflt, dflt];
  if (typeof v === "number") return [v, v];
  return v.length === 1 ? [v[0], v[0]] : [v[0], v[1]];
}

/** Inserts (s − 1) zeros between neighbours along dim d. */
function spread(x: Tensor, d: number, s: number): Tensor {
  if (s === 1 || x.shape[d] <= 1) return x;
  const n = x.shape[d];
  const zshape = [...x.shape];
  zshape.splice(d + 1, 0, s - 1);
  const z = makeTensor(allocate(x.dtype, zshape.reduce((a, b) => a * b, 1)), zshape, x.dtype);
  const withZeros = cat([unsqueeze(x, d + 1), z], d + 1);
  const merged = reshape(withZeros, [...x.shape.slice(0, d), n * s, ...x.shape.slice(d + 1)]);
  return narrow(merged, d, 0, (n - 1) * s + 1);
}

/** F.conv_transpose2d(input [N, Cin, H, W], weight [Cin, Cout/groups, kH, kW], bias?, options). */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose2dOptions = {}): Tensor {
  const o = checkOptions("conv_transpose2d", options, SPEC);
  if (input.dim() === 3) return squeeze(convTranspose2d(unsqueeze(input, 0), weight, bias, options), 0);
  if (input.dim() !== 4) throw new Error(`Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: [${input.shape.join(", ")}]`);
  const stride = pairOf(o.stride, 1), padding = pairOf(o.padding, 0), outPad = pairOf(o.outputPadding, 0), dilation = pairOf(o.dilation, 1);
  const groups = o.groups ?? 1;
  const [, Cin] = input.shape;
  if (weight.shape[0] !== Cin) {
    throw new Error(`Given transposed=1, weight of size [${weight.shape.join(", ")}], expected input[${input.shape.join(", ")}] to have ${weight.shape[0]} channels, but got ${Cin} channels instead`);
  }
  for (let i = 0; i < 2; i++) {
    if (outPad[i] >= stride[i] && outPad[i] >= dilation[i]) throw new Error("output padding must be smaller than either stride or dilation");
  }
  const [, coutG, kH, kW] = weight.shape;
  let x = spread(spread(input, 2, stride[0]), 3, stride[1]);
  const padH = dilation[0] * (kH - 1) - padding[0], padW = dilation[1] * (kW - 1) - padding[1];
  x = pad(x, [padW, padW + outPad[1], padH, padH + outPad[0]]);
  // [Cin, Cout/g, kH, kW] -> [g, Cin/g, Cout/g, ...] -> [Cout, Cin/g, kH, kW], flipped spatially
  const w = reshape(transpose(reshape(weight, [groups, Cin / groups, coutG, kH, kW]), 1, 2), [groups * coutG, Cin / groups, kH, kW]);
  return conv2d(x, flip(w, [2, 3]), bias, { stride: 1, padding: 0, dilation, groups });
}

/** F.conv_transpose1d(input [N, Cin, L], weight [Cin, Cout/groups, k], bias?, options). */
export function convTranspose1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose1dOptions = {}): Tensor {
  const o = checkOptions("conv_transpose1d", options, SPEC);
  // the 1-D case is the 2-D one with a height of 1
  const one = (v: number | number[] | undefined, d: number): [number, number] => [d, pairOf(v, d)[0]];
  const out = convTranspose2d(unsqueeze(input, -2), unsqueeze(weight, -2), bias, {
    stride: one(o.stride, 1), padding: [0, pairOf(o.padding, 0)[0]], outputPadding: [0, pairOf(o.outputPadding, 0)[0]],
    dilation: one(o.dilation, 1), groups: o.groups ?? 1,
  });
  return squeeze(out, -2);
}
