import type { Tensor } from "../tensor";
import { narrow, permute, reshape, squeeze, transpose, unsqueeze } from "../ops/shapeOps";
import { sum } from "../ops/reduce";
import type { Im2colGeometry } from "../kernels/im2col";
import { conv2d } from "./conv";
import { convTranspose2d } from "./convTranspose";

// ConvolutionBackward0 under createGraph, made of differentiable ops (tfjs Conv2D_grad.ts): the input
// gradient is the transposed convolution of grad with the weight, the weight gradient a convolution
// of the input with grad (batch and channels swapped, stride and dilation exchanged), the bias
// gradient a sum. These convolutions record their own nodes, so the result differentiates again.
// The first-order backward keeps the fused kernels (conv.ts).

/** Gradients of a conv over 4-D x [N, C, H, W] with w [Cout, C/groups, kH, kW] from gy [N, Cout, oH, oW]. */
function conv2dGrads(
  x: Tensor, w: Tensor, gy: Tensor, geom: Im2colGeometry, groups: number, need: readonly boolean[],
): [Tensor | null, Tensor | null, Tensor | null] {
  const { N, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW } = geom;
  const stride: [number, number] = [sH, sW], padding: [number, number] = [pH, pW], dilation: [number, number] = [dH, dW];
  let gx: Tensor | null = null, gw: Tensor | null = null;
  if (need[0]) {
    // rows/columns the forward's last window did not reach come back as output padding
    const outputPadding: [number, number] = [
      H - ((outH - 1) * sH - 2 * pH + dH * (kH - 1) + 1),
      W - ((outW - 1) * sW - 2 * pW + dW * (kW - 1) + 1),
    ];
    gx = convTranspose2d(gy, w, null, { stride, padding, dilation, groups, outputPadding });
  }
  if (need[1]) {
    // x as [C/g, g·N, H, W] (images become channels, grouped), gy as a weight [Cout, N, oH, oW]
    const Cg = C / groups;
    const xs = reshape(permute(reshape(x, [N, groups, Cg, H, W]), [2, 1, 0, 3, 4]), [Cg, groups * N, H, W]);
    const full = conv2d(xs, transpose(gy, 0, 1), null, { stride: dilation, padding, dilation: stride, groups });
    gw = transpose(narrow(narrow(full, 2, 0, kH), 3, 0, kW), 0, 1);
  }
  const gb = need[2] ? sum(gy, [0, 2, 3]) : null;
  return [gx, gw, gb];
}

/** conv1d and conv2d alike: conv1d's 3-D tensors are conv2d's with a height of 1 (its geometry already is). */
export function convGradsComposed(
  x: Tensor, w: Tensor, gy: Tensor, geom: Im2colGeometry, groups: number, need: readonly boolean[],
): [Tensor | null, Tensor | null, Tensor | null] {
  if (x.dim() === 4) return conv2dGrads(x, w, gy, geom, groups, need);
  const [gx, gw, gb] = conv2dGrads(unsqueeze(x, 2), unsqueeze(w, 2), unsqueeze(gy, 2), geom, groups, need);
  return [gx && squeeze(gx, 2), gw && squeeze(gw, 2), gb];
}
