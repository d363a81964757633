// Convolution cases and their oracle, shared by the conv kernel tests (one thread: conv.test.ts; two: convThreads.test.ts).
import { convBackwardInto, convForwardInto, type ConvDims } from "../../../src/engine/kernels/conv";
import { im2colGeometry } from "../../../src/engine/kernels/im2col";
import { expectClose, randArray } from "./util";

export interface Case {
  N: number; C: number; H: number; W: number; Cout: number; kH: number; kW: number;
  stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number;
}

export const CASES: Case[] = [
  { N: 2, C: 3, H: 8, W: 8, Cout: 4, kH: 3, kW: 3, stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 },
  { N: 3, C: 4, H: 9, W: 7, Cout: 6, kH: 3, kW: 2, stride: [2, 3], padding: [1, 2], dilation: [1, 1], groups: 2 },
  { N: 1, C: 2, H: 11, W: 10, Cout: 3, kH: 3, kW: 3, stride: [1, 2], padding: [2, 0], dilation: [2, 3], groups: 1 },
  { N: 2, C: 6, H: 5, W: 13, Cout: 6, kH: 1, kW: 5, stride: [1, 1], padding: [0, 2], dilation: [1, 1], groups: 3 },
  { N: 1, C: 1, H: 1, W: 9, Cout: 2, kH: 1, kW: 3, stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 },
  // several images per GEMM (small maps): 400 positions → chunks of 2, 2 and 1 images
  { N: 5, C: 2, H: 20, W: 20, Cout: 3, kH: 3, kW: 3, stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 },
  // a ResNet downsampling stage's shapes in small: stride 2, 3×3 and 1×1, all 4 images in one GEMM
  { N: 4, C: 5, H: 7, W: 7, Cout: 6, kH: 3, kW: 3, stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 1 },
  { N: 4, C: 5, H: 7, W: 7, Cout: 6, kH: 1, kW: 1, stride: [2, 2], padding: [0, 0], dilation: [1, 1], groups: 1 },
  // rows copied 4 floats at a time with a tail, behind a zero prefix wider than 4 (padding 6)
  { N: 2, C: 2, H: 5, W: 23, Cout: 3, kH: 2, kW: 3, stride: [1, 1], padding: [1, 6], dilation: [2, 2], groups: 1 },
];

/** y[n, co, oh, ow] = Σ w[co, ci, i, j] · x[n, g·Cg + ci, oh·sH − pH + i·dH, ow·sW − pW + j·dW], in float64. */
export function direct(c: Case, x: Float32Array, w: Float32Array, gy: Float32Array) {
  const g = im2colGeometry(1, c.C, c.H, c.W, c.kH, c.kW, c.stride, c.padding, c.dilation);
  const Cg = c.C / c.groups, Coutg = c.Cout / c.groups;
  const y = new Float64Array(c.N * c.Cout * g.L), dx = new Float64Array(x.length), dw = new Float64Array(w.length);
  const scale = new Float64Array(y.length);
  for (let n = 0; n < c.N; n++)
    for (let co = 0; co < c.Cout; co++)
      for (let oh = 0; oh < g.outH; oh++)
        for (let ow = 0; ow < g.outW; ow++) {
          const yi = ((n * c.Cout + co) * g.outH + oh) * g.outW + ow;
          for (let ci = 0; ci < Cg; ci++)
            for (let i = 0; i < c.kH; i++)
              for (let j = 0; j < c.kW; j++) {
                const ih = oh * g.sH - g.pH + i * g.dH, iw = ow * g.sW - g.pW + j * g.dW;
                if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                const xi = ((n * c.C + Math.floor(co / Coutg) * Cg + ci) * c.H + ih) * c.W + iw;
                const wi = ((co * Cg + ci) * c.kH + i) * c.kW + j;
                y[yi] += w[wi]! * x[xi]!;
                scale[yi] += Math.abs(w[wi]! * x[xi]!);
                dx[xi] += w[wi]! * gy[yi]!;
                dw[wi] += x[xi]! * gy[yi]!;
              }
        }
  return { y, scale, dx, dw, L: g.L };
}

/**
 * One conv case's forward and gradients (its im2col and col2im jobs split when the threshold is 0),
 * written over NaN, against the direct convolution. Returns the operands and both gradients.
 */
export function checkConv(c: Case, seed: number, label: string) {
  const image = im2colGeometry(1, c.C, c.H, c.W, c.kH, c.kW, c.stride, c.padding, c.dilation);
  const d: ConvDims = { N: c.N, Cout: c.Cout, groups: c.groups, image };
  const x = randArray(Float32Array, c.N * c.C * c.H * c.W, seed) as Float32Array;
  const w = randArray(Float32Array, c.Cout * (image.K / c.groups), seed + 1) as Float32Array;
  const gy = randArray(Float32Array, c.N * c.Cout * image.L, seed + 2) as Float32Array;
  const want = direct(c, x, w, gy);
  const y = new Float32Array(want.y.length).fill(Number.NaN);
  const dx = new Float32Array(x.length).fill(Number.NaN), dw = new Float32Array(w.length).fill(Number.NaN);
  convForwardInto(x, w, y, d);
  convBackwardInto(x, w, gy, dx, dw, d);
  expectClose(y, want.y, want.scale, 1e-6, 0, `${label} forward`);
  expectClose(dx, want.dx, null, 1e-5, 1e-5, `${label} input grad`);
  expectClose(dw, want.dw, null, 1e-5, 1e-4, `${label} weight grad`);
  return { x, w, gy, d, dx, dw };
}
