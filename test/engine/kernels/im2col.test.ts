import { describe, expect, it } from "vitest";
import { col2im, col2imInto, convOutSize, im2col, im2colGeometry } from "../../../src/engine/kernels/im2col";
import { bmmInto } from "../../../src/engine/kernels/matmul";
import { expectClose, randArray } from "./util";

interface Case {
  N: number; C: number; H: number; W: number; Cout: number; kH: number; kW: number;
  stride: number | [number, number]; padding: number | [number, number]; dilation: number | [number, number];
}

const CASES: Case[] = [
  { N: 2, C: 3, H: 7, W: 6, Cout: 4, kH: 3, kW: 3, stride: 1, padding: 1, dilation: 1 },
  { N: 1, C: 2, H: 9, W: 11, Cout: 3, kH: 3, kW: 2, stride: 2, padding: 0, dilation: 1 },
  { N: 3, C: 1, H: 8, W: 8, Cout: 2, kH: 2, kW: 3, stride: [2, 3], padding: [1, 2], dilation: [2, 1] },
  { N: 1, C: 4, H: 5, W: 5, Cout: 5, kH: 1, kW: 1, stride: 1, padding: 0, dilation: 1 },
  { N: 2, C: 2, H: 4, W: 3, Cout: 1, kH: 5, kW: 4, stride: 1, padding: 2, dilation: 1 },
  { N: 1, C: 3, H: 10, W: 9, Cout: 2, kH: 3, kW: 3, stride: 3, padding: 3, dilation: 2 },
];

const P = (v: number | [number, number]): [number, number] => (typeof v === "number" ? [v, v] : v);

/** Direct convolution, float64. */
function naiveConv(x: ArrayLike<number>, w: ArrayLike<number>, c: Case) {
  const [sH, sW] = P(c.stride), [pH, pW] = P(c.padding), [dH, dW] = P(c.dilation);
  const oH = convOutSize(c.H, c.kH, sH, pH, dH), oW = convOutSize(c.W, c.kW, sW, pW, dW);
  const y = new Float64Array(c.N * c.Cout * oH * oW);
  for (let n = 0; n < c.N; n++) for (let co = 0; co < c.Cout; co++)
    for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
      let s = 0;
      for (let ci = 0; ci < c.C; ci++) for (let i = 0; i < c.kH; i++) for (let j = 0; j < c.kW; j++) {
        const ih = oh * sH - pH + i * dH, iw = ow * sW - pW + j * dW;
        if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
        s += x[((n * c.C + ci) * c.H + ih) * c.W + iw] * w[((co * c.C + ci) * c.kH + i) * c.kW + j];
      }
      y[((n * c.Cout + co) * oH + oh) * oW + ow] = s;
    }
  return { y, oH, oW };
}

/** Gradients of Σ y·gy by the direct formula. */
function naiveConvGrads(x: ArrayLike<number>, w: ArrayLike<number>, gy: ArrayLike<number>, c: Case, oH: number, oW: number) {
  const [sH, sW] = P(c.stride), [pH, pW] = P(c.padding), [dH, dW] = P(c.dilation);
  const dx = new Float64Array(c.N * c.C * c.H * c.W);
  const dw = new Float64Array(c.Cout * c.C * c.kH * c.kW);
  for (let n = 0; n < c.N; n++) for (let co = 0; co < c.Cout; co++)
    for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
      const g = gy[((n * c.Cout + co) * oH + oh) * oW + ow];
      for (let ci = 0; ci < c.C; ci++) for (let i = 0; i < c.kH; i++) for (let j = 0; j < c.kW; j++) {
        const ih = oh * sH - pH + i * dH, iw = ow * sW - pW + j * dW;
        if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
        const xi = ((n * c.C + ci) * c.H + ih) * c.W + iw;
        const wi = ((co * c.C + ci) * c.kH + i) * c.kW + j;
        dx[xi] += g * w[wi];
        dw[wi] += g * x[xi];
      }
    }
  return { dx, dw };
}

describe("im2col / col2im", () => {
  for (const ctor of [Float64Array, Float32Array]) {
    const rel = ctor === Float64Array ? 1e-12 : 1e-5;
    for (const [ci, c] of CASES.entries()) {
      it(`${ctor.name} case ${ci}: conv via im2col+bmm matches a direct convolution, and col2im gives its gradients`, () => {
        const x = randArray(ctor, c.N * c.C * c.H * c.W, 10 + ci);
        const w = randArray(ctor, c.Cout * c.C * c.kH * c.kW, 20 + ci);
        const { y: yRef, oH, oW } = naiveConv(x, w, c);
        const g = im2colGeometry(c.N, c.C, c.H, c.W, c.kH, c.kW, c.stride, c.padding, c.dilation);
        expect([g.outH, g.outW]).toEqual([oH, oW]);
        const cols = im2col(x, c.N, c.C, c.H, c.W, c.kH, c.kW, c.stride, c.padding, c.dilation);
        expect(cols).toBeInstanceOf(ctor);
        const { K, L } = g;
        const y = new ctor(c.N * c.Cout * L);
        bmmInto(w, cols, y, c.N, c.Cout, K, L, false, false, 0, K * L, c.Cout * L);
        expectClose(y, yRef, null, rel, rel, "forward");

        const gy = randArray(ctor, y.length, 30 + ci);
        const { dx: dxRef, dw: dwRef } = naiveConvGrads(x, w, gy, c, oH, oW);
        // weight gradient: dW += gy[n] · cols[n]ᵀ summed over the batch (strideOut 0)
        const dw = new ctor(w.length);
        bmmInto(gy, cols, dw, c.N, c.Cout, L, K, false, true, c.Cout * L, K * L, 0, true);
        expectClose(dw, dwRef, null, rel, 10 * rel, "dW");
        // input gradient: dcols[n] = Wᵀ · gy[n], then col2im
        const dcols = new ctor(c.N * K * L);
        bmmInto(w, gy, dcols, c.N, K, c.Cout, L, true, false, 0, c.Cout * L, K * L);
        const dx = col2im(dcols, c.N, c.C, c.H, c.W, c.kH, c.kW, c.stride, c.padding, c.dilation);
        expectClose(dx, dxRef, null, rel, 10 * rel, "dx");
        // col2im accumulates into a given buffer
        const acc = new ctor(dx.length).fill(1);
        col2imInto(dcols, g, acc);
        for (let i = 0; i < acc.length; i++) expect(acc[i]).toBeCloseTo(dx[i] + 1, ctor === Float64Array ? 10 : 4);
      });
    }
  }

  it("col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>", () => {
    for (const c of CASES) {
      const x = randArray(Float64Array, c.N * c.C * c.H * c.W, 1);
      const cols = im2col(x, c.N, c.C, c.H, c.W, c.kH, c.kW, c.stride, c.padding, c.dilation);
      const r = randArray(Float64Array, cols.length, 2);
      const back = col2im(r, c.N, c.C, c.H, c.W, c.kH, c.kW, c.stride, c.padding, c.dilation);
      let lhs = 0, rhs = 0;
      for (let i = 0; i < cols.length; i++) lhs += cols[i] * r[i];
      for (let i = 0; i < x.length; i++) rhs += x[i] * back[i];
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * (1 + Math.abs(lhs)));
    }
  });

  it("rejects empty outputs and bad parameters", () => {
    expect(() => im2colGeometry(1, 1, 2, 2, 3, 3)).toThrow(RangeError);
    expect(() => im2colGeometry(1, 1, 4, 4, 3, 3, 0)).toThrow(RangeError);
    expect(() => im2colGeometry(1, 1, 4, 4, 3, 3, 1, -1)).toThrow(RangeError);
  });
});
