/**
 * The three products of a convolution (NCHW, weight [Cout, C/groups, kH, kW]), image by image:
 *   forward      y[n]   = W · im2col(x[n])                      (per group)
 *   input grad   dx[n] += col2im(Wᵀ · gy[n])
 *   weight grad  dW    += gy[n] · im2col(x[n])ᵀ
 * float32 runs in wasm: the images, weight and gradients are copied in once per call and each
 * image's column matrix (several images' side by side when the maps are small) is built, multiplied
 * and scattered in wasm memory (it is K/C times the
 * image, ~9× for a 3×3 kernel, so copying it across was most of the cost). With a helper thread,
 * large im2col/col2im calls are split by channels between the two threads like the GEMMs
 * (assembly/threads.ts). 3×3 stride-1 convolutions of wide enough channels take Winograd F(2×2, 3×3)
 * instead, for all three products (winograd.ts). float64, the JS kernel
 * set and realms without wasm use the JS im2col and the matmul dispatcher, one column matrix at a time.
 */
import { col2imInto, im2colInto, type Im2colGeometry } from "./im2col";
import { matmulInto, wasmScratch } from "./matmul";
import type { FloatArray } from "./matmulRef";
import { winogradForwardF32, winogradInputGradF32, winogradWeightGradF32 } from "./winograd";

export interface ConvDims {
  /** batch size */
  N: number;
  Cout: number;
  groups: number;
  /** geometry of ONE image (N = 1) */
  image: Im2colGeometry;
}

// one image's column matrix for the JS path, reused between calls (it never outlives a call)
const scratchBuffers: Record<string, FloatArray> = {};
function scratch(like: FloatArray, len: number, slot: string): FloatArray {
  const key = `${like instanceof Float64Array ? 64 : 32}${slot}`;
  const have = scratchBuffers[key];
  if (have !== undefined && have.length >= len) return have;
  return (scratchBuffers[key] = like instanceof Float64Array ? new Float64Array(len) : new Float32Array(len));
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;

/**
 * Images per GEMM: with small feature maps (a ResNet's later stages: L = 64 or 16 positions) one
 * image's GEMM is too narrow to amortise packing the weight (forward, input grad) or a full pass over
 * dW (weight grad, k = L), so up to WIDE_COLUMNS columns of several images go side by side into one
 * GEMM. Grouped convolutions keep one image per GEMM.
 */
const WIDE_COLUMNS = 1024;
const imagesPerGemm = (d: ConvDims): number => (d.groups === 1 ? Math.max(1, Math.min(d.N, Math.floor(WIDE_COLUMNS / d.image.L))) : 1);

interface Layout {
  ptrs: number[];
  cols: number;
  /** [Cout, nc·L]: the chunk's output or output gradient side by side (nc > 1 only) */
  wide: number;
  work: number;
}

/** Regions of the given float counts, then the column matrix of nc images, their [Cout, nc·L] matrix and the GEMM workspace, in wasm memory. */
function layout(d: ConvDims, nc: number, floats: number[], gemms: Array<[number, number, number]>) {
  const { K, L } = d.image;
  let at = 0;
  const offsets = floats.map((n) => {
    const o = at;
    at += align16(n * 4);
    return o;
  });
  const colsAt = at;
  at += align16(K * nc * L * 4);
  const wideAt = at;
  if (nc > 1) at += align16(d.Cout * nc * L * 4);
  const workAt = at;
  const s0 = wasmScratch(0);
  if (s0 === null) return null;
  const work = Math.max(...gemms.map(([m, k, n]) => s0.ex.gemmWorkBytes(m, k, n, 4)));
  const s = wasmScratch(at + work + 64);
  if (s === null) return null;
  const base = s.base;
  const lay: Layout = { ptrs: offsets.map((o) => base + o), cols: base + colsAt, wide: base + wideAt, work: base + workAt };
  return { s, lay };
}

function geometryArgs(g: Im2colGeometry): [number, number, number, number, number, number, number, number, number, number, number, number, number] {
  return [g.C, g.H, g.W, g.kH, g.kW, g.sH, g.sW, g.pH, g.pW, g.dH, g.dW, g.outH, g.outW];
}

const useWasm = (...arrays: FloatArray[]): boolean => arrays.every((a) => a instanceof Float32Array);

/** out[N, Cout, L] = conv(x[N, C, H, W], w) without bias. */
export function convForwardInto(x: FloatArray, w: FloatArray, out: FloatArray, d: ConvDims): void {
  const { N, Cout, groups, image } = d;
  const { K, L } = image;
  const Kg = K / groups, Coutg = Cout / groups;
  const inImage = image.C * image.H * image.W, outImage = Cout * L;
  if (useWasm(x, w, out) && winogradForwardF32(x as Float32Array, w as Float32Array, out as Float32Array, d)) return;
  const nc = imagesPerGemm(d);
  const placed = useWasm(x, w, out) ? layout(d, nc, [N * inImage, Cout * Kg, N * outImage], [[Coutg, Kg, nc * L]]) : null;
  if (placed !== null) {
    const { s, lay } = placed;
    const [xp, wp, op] = lay.ptrs as [number, number, number];
    s.f32.set(x.subarray(0, N * inImage), xp >> 2);
    s.f32.set(w.subarray(0, Cout * Kg), wp >> 2);
    const geo = geometryArgs(image);
    for (let n0 = 0; n0 < N; n0 += nc) {
      const c = Math.min(nc, N - n0);
      s.ex.im2colImagesF32(xp + n0 * inImage * 4, lay.cols, c, ...geo, c * L);
      if (c === 1) {
        for (let g = 0; g < groups; g++) {
          s.ex.sgemm(wp + g * Coutg * Kg * 4, lay.cols + g * Kg * L * 4, op + (n0 * outImage + g * Coutg * L) * 4, Coutg, Kg, L, 0, 0, 0, lay.work);
        }
        continue;
      }
      // c images: y[:, n0..n0+c) side by side = W · [im2col(x[n0]) … im2col(x[n0+c−1])]
      s.ex.sgemm(wp, lay.cols, lay.wide, Cout, K, c * L, 0, 0, 0, lay.work);
      s.ex.splitSideBySideF32(lay.wide, op + n0 * outImage * 4, Cout, c, L);
    }
    out.set(s.f32.subarray(op >> 2, (op >> 2) + N * outImage));
    return;
  }
  const cols = scratch(x, K * L, "a");
  for (let n = 0; n < N; n++) {
    im2colInto(x.subarray(n * inImage, (n + 1) * inImage), image, cols);
    for (let g = 0; g < groups; g++) {
      matmulInto(w, cols, out, Coutg, Kg, L, false, false, false, g * Coutg * Kg, g * Kg * L, n * outImage + g * Coutg * L);
    }
  }
}

/**
 * Both gradients of the conv for output gradient gy[N, Cout, L], written over dx[N, C, H, W] and
 * dw[Cout, C/groups·kH·kW] (either may be null; x only needed for dw). gy is copied into wasm memory
 * once for both; the outputs are not read (they may be uninitialized). dW is computed over the
 * weight's region and x copied over dx's once each is no longer needed: fresh wasm pages cost a page
 * fault each (no huge pages), and a ResNet's 512×512×3×3 weight is 9.4 MB.
 */
export function convBackwardInto(x: FloatArray | null, w: FloatArray, gy: FloatArray, dx: FloatArray | null, dw: FloatArray | null, d: ConvDims): void {
  if (dw !== null && x === null) throw new Error("convBackwardInto: the weight gradient needs the input");
  if (dx !== null && useWasm(w, gy, dx) && winogradInputGradF32(w as Float32Array, gy as Float32Array, dx as Float32Array, d)) {
    if (dw === null) return;
    dx = null; // written: the weight gradient below as without dx
  }
  if (dw !== null && useWasm(x!, gy, dw) && winogradWeightGradF32(x as Float32Array, gy as Float32Array, dw as Float32Array, d)) {
    if (dx === null) return;
    dw = null;
  }
  const { N, Cout, groups, image } = d;
  const { K, L } = image;
  const Kg = K / groups, Coutg = Cout / groups;
  const inImage = image.C * image.H * image.W, outImage = Cout * L;
  const nc = imagesPerGemm(d);
  const arrays = [w, gy, ...(dx !== null ? [dx] : []), ...(dw !== null ? [x!, dw] : [])];
  // regions: the weight, then dW; gy; dx, then x
  const placed = useWasm(...arrays)
    ? layout(d, nc, [Cout * Kg, N * outImage, N * inImage], [[Kg, Coutg, nc * L], [Coutg, nc * L, Kg]])
    : null;
  if (placed === null) {
    if (dx !== null) convInputGradJs(w, gy, dx.fill(0), d);
    if (dw !== null) convWeightGradJs(x!, gy, dw.fill(0), d);
    return;
  }
  const { s, lay } = placed;
  const [wp, gp, dxp] = lay.ptrs as [number, number, number];
  const dwp = wp, xp = dxp;
  s.f32.set(gy.subarray(0, N * outImage), gp >> 2);
  const geo = geometryArgs(image);
  if (dx !== null) {
    s.f32.set(w.subarray(0, Cout * Kg), wp >> 2);
    // col2imImagesF32 writes each image's gradient whole: no zeroing pass
    for (let n0 = 0; n0 < N; n0 += nc) {
      const c = Math.min(nc, N - n0);
      if (c === 1) {
        // dcols = Wᵀ · gy[n], scattered back onto the image
        for (let g = 0; g < groups; g++) {
          s.ex.sgemm(wp + g * Coutg * Kg * 4, gp + (n0 * outImage + g * Coutg * L) * 4, lay.cols + g * Kg * L * 4, Kg, Coutg, L, 1, 0, 0, lay.work);
        }
        s.ex.col2imImagesF32(lay.cols, dxp + n0 * inImage * 4, 1, ...geo, L);
        continue;
      }
      s.ex.sideBySideF32(gp + n0 * outImage * 4, lay.wide, Cout, c, L);
      s.ex.sgemm(wp, lay.wide, lay.cols, K, Cout, c * L, 1, 0, 0, lay.work);
      s.ex.col2imImagesF32(lay.cols, dxp + n0 * inImage * 4, c, ...geo, c * L);
    }
    dx.set(s.f32.subarray(dxp >> 2, (dxp >> 2) + N * inImage));
  }
  if (dw !== null) {
    s.f32.set(x!.subarray(0, N * inImage), xp >> 2);
    for (let n0 = 0; n0 < N; n0 += nc) {
      const c = Math.min(nc, N - n0);
      const acc = n0 === 0 ? 0 : 1; // the first chunk writes dW, the others add to it
      // the column matrix is rebuilt rather than kept from the forward
      s.ex.im2colImagesF32(xp + n0 * inImage * 4, lay.cols, c, ...geo, c * L);
      if (c === 1) {
        for (let g = 0; g < groups; g++) {
          s.ex.sgemm(gp + (n0 * outImage + g * Coutg * L) * 4, lay.cols + g * Kg * L * 4, dwp + g * Coutg * Kg * 4, Coutg, L, Kg, 0, 1, acc, lay.work);
        }
        continue;
      }
      // dW (+)= [gy[n0] … gy[n0+c−1]] · [im2col(x[n0]) … im2col(x[n0+c−1])]ᵀ: one GEMM with k = c·L
      s.ex.sideBySideF32(gp + n0 * outImage * 4, lay.wide, Cout, c, L);
      s.ex.sgemm(lay.wide, lay.cols, dwp, Cout, c * L, K, 0, 1, acc, lay.work);
    }
    dw.set(s.f32.subarray(dwp >> 2, (dwp >> 2) + Cout * Kg));
  }
}

/** JS kernel set, float64 and realms without wasm: dx += the input gradient, one column matrix at a time. */
function convInputGradJs(w: FloatArray, gy: FloatArray, dx: FloatArray, d: ConvDims): void {
  const { N, Cout, groups, image } = d;
  const { K, L } = image;
  const Kg = K / groups, Coutg = Cout / groups;
  const inImage = image.C * image.H * image.W, outImage = Cout * L;
  const cols = scratch(gy, K * L, "b");
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      matmulInto(w, gy, cols, Kg, Coutg, L, true, false, false, g * Coutg * Kg, n * outImage + g * Coutg * L, g * Kg * L);
    }
    col2imInto(cols, image, dx.subarray(n * inImage, (n + 1) * inImage));
  }
}

/** JS kernel set: dw += the weight gradient. */
function convWeightGradJs(x: FloatArray, gy: FloatArray, dw: FloatArray, d: ConvDims): void {
  const { N, Cout, groups, image } = d;
  const { K, L } = image;
  const Kg = K / groups, Coutg = Cout / groups;
  const inImage = image.C * image.H * image.W, outImage = Cout * L;
  const cols = scratch(x, K * L, "a");
  for (let n = 0; n < N; n++) {
    im2colInto(x.subarray(n * inImage, (n + 1) * inImage), image, cols);
    for (let g = 0; g < groups; g++) {
      matmulInto(gy, cols, dw, Coutg, L, Kg, false, true, true, n * outImage + g * Coutg * L, g * Kg * L, g * Coutg * Kg);
    }
  }
}
