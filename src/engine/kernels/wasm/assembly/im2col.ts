// @ts-nocheck -- AssemblyScript source (compiled by scripts/build-wasm.mjs), not plain TypeScript.
//
// im2col / col2im of ONE float32 image (NCHW), the layout of src/engine/kernels/im2col.ts:
//   cols[(c·kH + i)·kW + j][oh·outW + ow] = x[c, oh·sH − pH + i·dH, ow·sW − pW + j·dW]  (0 outside)
// so the conv's GEMMs run on the column matrix without it ever leaving wasm memory. `ld` is the
// column matrix's row stride in floats: L for one image, nc·L when nc images sit side by side in one
// K × nc·L matrix (one wide GEMM instead of nc narrow ones). Pointers are byte offsets chosen by the host.

import { im2colShared, col2imShared } from "./threads";

// Rows here are short (a ResNet's maps are 32 to 4 wide): memory.copy and memory.fill are calls out
// of the wasm code in V8 that cost more than such a row's copy, so rows are copied by inline loops.

/** n floats from src to dst (n ≥ 0; the regions do not overlap). */
@inline
function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** n zeros from dst. */
@inline
function zeroF32(dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

@inline
function ceilDiv(a: i32, b: i32): i32 {
  // b > 0; rounds toward +∞ for either sign of a
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

/** Fill cols (K rows of L, row stride ld) from one image x (C × H × W). */
export function im2colF32(
  x: usize, cols: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, outH: i32, outW: i32, ld: i32,
): void {
  let row = 0;
  for (let c = 0; c < C; c++) {
    const xBase = x + ((<usize>c * <usize>H * <usize>W) << 2);
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++, row++) {
        let o = cols + ((<usize>row * <usize>ld) << 2);
        const colShift = j * dW - pW;
        // valid ow: 0 <= ow·sW + colShift < W
        const owLo = min(outW, max(0, ceilDiv(-colShift, sW)));
        const owHi = max(owLo, min(outW, ceilDiv(W - colShift, sW)));
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * sH - pH + i * dH;
          if (ih < 0 || ih >= H) {
            zeroF32(o, outW);
          } else {
            const row = xBase + ((<usize>(ih * W + colShift)) << 2);
            for (let ow = 0; ow < owLo; ow++) store<f32>(o + (<usize>ow << 2), 0);
            if (sW == 1) {
              copyF32(o + (<usize>owLo << 2), row + (<usize>owLo << 2), owHi - owLo);
            } else {
              for (let ow = owLo; ow < owHi; ow++) {
                store<f32>(o + (<usize>ow << 2), load<f32>(row + (<usize>(ow * sW) << 2)));
              }
            }
            for (let ow = owHi; ow < outW; ow++) store<f32>(o + (<usize>ow << 2), 0);
          }
          o += <usize>outW << 2;
        }
      }
    }
  }
}

/** Adjoint of im2colF32: add cols (K rows of L, row stride ld) back onto one image x (C × H × W). */
export function col2imF32(
  cols: usize, x: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, outH: i32, outW: i32, ld: i32,
): void {
  let row = 0;
  for (let c = 0; c < C; c++) {
    const xBase = x + ((<usize>c * <usize>H * <usize>W) << 2);
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++, row++) {
        let o = cols + ((<usize>row * <usize>ld) << 2);
        const colShift = j * dW - pW;
        const owLo = min(outW, max(0, ceilDiv(-colShift, sW)));
        const owHi = max(owLo, min(outW, ceilDiv(W - colShift, sW)));
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * sH - pH + i * dH;
          if (ih >= 0 && ih < H) {
            const row = xBase + ((<usize>(ih * W + colShift)) << 2);
            let ow = owLo;
            if (sW == 1) {
              for (; ow + 4 <= owHi; ow += 4) {
                const d = row + (<usize>ow << 2);
                v128.store(d, f32x4.add(v128.load(d), v128.load(o + (<usize>ow << 2))));
              }
            }
            for (; ow < owHi; ow++) {
              const d = row + (<usize>(ow * sW) << 2);
              store<f32>(d, load<f32>(d) + load<f32>(o + (<usize>ow << 2)));
            }
          }
          o += <usize>outW << 2;
        }
      }
    }
  }
}

/** dst[r][t·L + l] = src[t][r][l] for t < nc, r < rows: nc images' [rows, L] blocks side by side. */
export function sideBySideF32(src: usize, dst: usize, rows: i32, nc: i32, L: i32): void {
  const bytes = <usize>L << 2;
  for (let t = 0; t < nc; t++) {
    for (let r = 0; r < rows; r++) {
      copyF32(dst + ((<usize>r * <usize>nc + <usize>t) * bytes), src + ((<usize>t * <usize>rows + <usize>r) * bytes), L);
    }
  }
}

/** The inverse of sideBySideF32: dst[t][r][l] = src[r][t·L + l]. */
export function splitSideBySideF32(src: usize, dst: usize, rows: i32, nc: i32, L: i32): void {
  const bytes = <usize>L << 2;
  for (let t = 0; t < nc; t++) {
    for (let r = 0; r < rows; r++) {
      copyF32(dst + ((<usize>t * <usize>rows + <usize>r) * bytes), src + ((<usize>r * <usize>nc + <usize>t) * bytes), L);
    }
  }
}

/**
 * The column matrix of nc images side by side (image t's columns from t·L, row stride ld), from the
 * images at x (C·H·W floats apart). Large ones are split by channels with the helper thread
 * (threads.ts), so the second core does not idle between the conv's GEMMs.
 */
export function im2colImagesF32(
  x: usize, cols: usize, nc: i32, C: i32, H: i32, W: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, outH: i32, outW: i32, ld: i32,
): void {
  if (ASC_FEATURE_THREADS) {
    if (im2colShared(x, cols, nc, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW, ld)) return;
  }
  im2colChannels(x, <usize>C * <usize>H * <usize>W, cols, ld, nc, 0, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW);
}

/**
 * The nc images' input gradients (C·H·W floats apart from dx) from their column matrix (as in
 * im2colImagesF32), written over dx: no zeroing pass first. Split like im2colImagesF32.
 */
export function col2imImagesF32(
  cols: usize, dx: usize, nc: i32, C: i32, H: i32, W: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, outH: i32, outW: i32, ld: i32,
): void {
  if (ASC_FEATURE_THREADS) {
    if (col2imShared(cols, dx, nc, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW, ld)) return;
  }
  col2imChannels(cols, ld, dx, C * H * W, nc, 0, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW);
}

/**
 * Rows of channels [c0, c1) of the nc images' column matrix: written at `out` (that block's first
 * row), rows `ldo` floats apart; image t's input at x + t·xStride floats.
 */
export function im2colChannels(
  x: usize, xStride: usize, out: usize, ldo: i32, nc: i32, c0: i32, c1: i32,
  H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, outH: i32, outW: i32,
): void {
  const L = <usize>outH * <usize>outW;
  const plane = <usize>H * <usize>W;
  for (let t = 0; t < nc; t++) {
    im2colF32(
      x + ((<usize>t * xStride + <usize>c0 * plane) << 2), out + ((<usize>t * L) << 2),
      c1 - c0, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW, ldo,
    );
  }
}

/**
 * Channels [c0, c1) of the nc images' input gradients from their column matrix (rows ld floats
 * apart), written (not added) at `out` = image 0's channel c0, images `ldo` floats apart.
 */
export function col2imChannels(
  cols: usize, ld: i32, out: usize, ldo: i32, nc: i32, c0: i32, c1: i32,
  H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, outH: i32, outW: i32,
): void {
  const L = <usize>outH * <usize>outW;
  const rows = <usize>c0 * <usize>kH * <usize>kW;
  const floats = (c1 - c0) * H * W;
  for (let t = 0; t < nc; t++) {
    const o = out + ((<usize>t * <usize>ldo) << 2);
    zeroF32(o, floats);
    col2imF32(
      cols + ((rows * <usize>ld + <usize>t * L) << 2), o,
      c1 - c0, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW, ld,
    );
  }
}
