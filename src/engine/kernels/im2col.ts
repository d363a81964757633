/**
 * im2col / col2im for conv2d (NCHW, contiguous row-major).
 *
 * Layout: for each image n, cols[n] is a (C·kH·kW) × (outH·outW) matrix with
 * row index (c·kH + i)·kW + j and column index oh·outW + ow:
 *   cols[n][(c,i,j)][(oh,ow)] = x[n, c, oh·sH − pH + i·dH, ow·sW − pW + j·dW]   (0 outside)
 *
 * so that, with K = C·kH·kW and L = outH·outW,
 *   forward      y[n]  = W[Cout×K] · cols[n]               bmmInto(w, cols, y, N, Cout, K, L, false, false, 0, K*L, Cout*L)
 *   weight grad  dW   += gy[n] · cols[n]ᵀ                  bmmInto(gy, cols, dW, N, Cout, L, K, false, true, Cout*L, K*L, 0, true)
 *   input grad   dcols[n] = Wᵀ · gy[n]; dx = col2im(dcols)  bmmInto(w, gy, dcols, N, K, Cout, L, true, false, 0, Cout*L, K*L)
 */
import type { FloatArray } from "./matmulRef";

export type Pair = number | readonly [number, number];

function pair(v: Pair, what: string): [number, number] {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  for (const x of p) {
    if (!Number.isInteger(x) || x < 0) throw new RangeError(`im2col: bad ${what} ${String(v)}`);
  }
  return p;
}

/** Output spatial size of a convolution along one axis. */
export function convOutSize(size: number, kernel: number, stride = 1, padding = 0, dilation = 1): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

export interface Im2colGeometry {
  N: number; C: number; H: number; W: number;
  kH: number; kW: number;
  sH: number; sW: number; pH: number; pW: number; dH: number; dW: number;
  outH: number; outW: number;
  /** rows of each cols matrix: C·kH·kW */
  K: number;
  /** columns of each cols matrix: outH·outW */
  L: number;
}

export function im2colGeometry(
  N: number, C: number, H: number, W: number, kH: number, kW: number,
  stride: Pair = 1, padding: Pair = 0, dilation: Pair = 1,
): Im2colGeometry {
  const [sH, sW] = pair(stride, "stride");
  const [pH, pW] = pair(padding, "padding");
  const [dH, dW] = pair(dilation, "dilation");
  if (sH < 1 || sW < 1 || dH < 1 || dW < 1) throw new RangeError("im2col: stride and dilation must be ≥ 1");
  for (const [v, name] of [[N, "N"], [C, "C"], [H, "H"], [W, "W"], [kH, "kH"], [kW, "kW"]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`im2col: bad ${name} ${v}`);
  }
  const outH = convOutSize(H, kH, sH, pH, dH);
  const outW = convOutSize(W, kW, sW, pW, dW);
  if (outH < 1 || outW < 1) throw new RangeError(`im2col: empty output (${outH}×${outW})`);
  return { N, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW, K: C * kH * kW, L: outH * outW };
}

/** Fill `cols` (length N·K·L) from `input` (length N·C·H·W). Returns cols. */
export function im2colInto<T extends FloatArray>(input: FloatArray, g: Im2colGeometry, cols: T): T {
  const { N, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW, K, L } = g;
  if (input.length < N * C * H * W) throw new RangeError("im2col: input too short");
  if (cols.length < N * K * L) throw new RangeError("im2col: cols too short");
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xBase = (n * C + c) * H * W;
      for (let i = 0; i < kH; i++) {
        for (let j = 0; j < kW; j++) {
          let o = (n * K + (c * kH + i) * kW + j) * L;
          const colShift = j * dW - pW;
          // valid ow range: 0 <= ow*sW + colShift < W
          const owLo = Math.min(outW, Math.max(0, Math.ceil(-colShift / sW)));
          const owHi = Math.max(owLo, Math.min(outW, Math.ceil((W - colShift) / sW)));
          for (let oh = 0; oh < outH; oh++) {
            const ih = oh * sH - pH + i * dH;
            if (ih < 0 || ih >= H) {
              cols.fill(0, o, o + outW);
            } else {
              const row = xBase + ih * W + colShift;
              let ow = 0;
              for (; ow < owLo; ow++) cols[o + ow] = 0;
              if (sW === 1) {
                for (; ow < owHi; ow++) cols[o + ow] = input[row + ow];
              } else {
                for (; ow < owHi; ow++) cols[o + ow] = input[row + ow * sW];
              }
              for (; ow < outW; ow++) cols[o + ow] = 0;
            }
            o += outW;
          }
        }
      }
    }
  }
  return cols;
}

/**
 * im2col(input, N, C, H, W, kH, kW, stride, padding, dilation) -> cols
 * (a new array of the input's type, length N·C·kH·kW·outH·outW).
 */
export function im2col<T extends FloatArray>(
  input: T, N: number, C: number, H: number, W: number, kH: number, kW: number,
  stride: Pair = 1, padding: Pair = 0, dilation: Pair = 1,
): T {
  const g = im2colGeometry(N, C, H, W, kH, kW, stride, padding, dilation);
  const cols = (input instanceof Float64Array ? new Float64Array(N * g.K * g.L) : new Float32Array(N * g.K * g.L)) as T;
  return im2colInto(input, g, cols);
}

/**
 * Adjoint of im2col: scatter-add `cols` back into `out` (length N·C·H·W).
 * Adds to the existing contents of `out` (zero it first for a fresh gradient).
 */
export function col2imInto<T extends FloatArray>(cols: FloatArray, g: Im2colGeometry, out: T): T {
  const { N, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW, K, L } = g;
  if (out.length < N * C * H * W) throw new RangeError("col2im: out too short");
  if (cols.length < N * K * L) throw new RangeError("col2im: cols too short");
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xBase = (n * C + c) * H * W;
      for (let i = 0; i < kH; i++) {
        for (let j = 0; j < kW; j++) {
          let o = (n * K + (c * kH + i) * kW + j) * L;
          const colShift = j * dW - pW;
          const owLo = Math.min(outW, Math.max(0, Math.ceil(-colShift / sW)));
          const owHi = Math.max(owLo, Math.min(outW, Math.ceil((W - colShift) / sW)));
          for (let oh = 0; oh < outH; oh++) {
            const ih = oh * sH - pH + i * dH;
            if (ih >= 0 && ih < H) {
              const row = xBase + ih * W + colShift;
              for (let ow = owLo; ow < owHi; ow++) out[row + ow * sW] += cols[o + ow];
            }
            o += outW;
          }
        }
      }
    }
  }
  return out;
}

/**
 * col2im(cols, N, C, H, W, kH, kW, stride, padding, dilation, out?) -> input gradient.
 * Accumulates into `out` when given, else into a new zeroed array of cols' type.
 */
export function col2im<T extends FloatArray>(
  cols: T, N: number, C: number, H: number, W: number, kH: number, kW: number,
  stride: Pair = 1, padding: Pair = 0, dilation: Pair = 1, out?: T,
): T {
  const g = im2colGeometry(N, C, H, W, kH, kW, stride, padding, dilation);
  const dst = out ?? ((cols instanceof Float64Array ? new Float64Array(N * C * H * W) : new Float32Array(N * C * H * W)) as T);
  return col2imInto(cols, g, dst);
}
