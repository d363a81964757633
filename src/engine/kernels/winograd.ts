/**
 * Winograd F(2×2, 3×3) for the float32 wasm path of 3×3, stride-1 convolutions (groups 1): the
 * forward, and the input gradient as the full correlation of the output gradient with the kernel
 * rotated by 180° (Cout and C swapped, padding 2 − p). Per 2×2 output tile it multiplies 16 times
 * instead of 36, and its transformed input is 4× the image where im2col's column matrix is 9×
 * (assembly/winograd.ts has the transforms; the 16 products per chunk are the existing sgemm).
 * The weight gradient is the adjoint: the same tiles of the input, the output gradient's 2×2 tiles
 * transformed, one product per ξ over all tiles.
 */
import type { ConvDims } from "./conv";
import { wasmScratch } from "./matmul";

/** "auto": by shape (wins below); tests and benchmarks force either path. */
export type WinogradPolicy = "auto" | "always" | "never";
let policy: WinogradPolicy = "auto";

/** Which 3×3 convolutions take the Winograd path (tests and benchmarks). */
export function setWinogradPolicy(p: WinogradPolicy): void {
  if (p !== "auto" && p !== "always" && p !== "never") throw new TypeError(`unknown Winograd policy ${String(p)}`);
  policy = p;
}

/** The convolutions F(2×2, 3×3) computes: 3×3, stride 1, dilation 1, groups 1, padding ≤ 2 (the input gradient's is 2 − p). */
function applies(d: ConvDims): boolean {
  const g = d.image;
  return d.groups === 1 && g.kH === 3 && g.kW === 3 && g.sH === 1 && g.sW === 1 && g.dH === 1 && g.dW === 1 && g.pH <= 2 && g.pW <= 2;
}

/**
 * Where it is faster than im2col + GEMM. Kernel timings (CPU ms, one thread, im2col vs Winograd,
 * medians of 7; forward, input grad, weight grad): N=32 16→32 32×32 (the steps bench's CNN) 10.7 vs
 * 6.3, 9.6 vs 7.7, 10.4 vs 6.8; N=32 8→16 32×32 4.7 vs 2.5, 4.6 vs 3.6, 3.6 vs 2.3; N=8 4→16 32×32
 * 0.44 vs 0.41, 0.43 vs 0.37, 0.44 vs 0.53; N=8 3→64 32×32 (a stem) 0.9 vs 2.2, –, 1.1 vs 1.8;
 * N=1 256→256 8×8 (16 tiles) 2.2 vs 1.6, 2.2 vs 2.1, 2.1 vs 1.7; N=8 512→512 4×4 15.9 vs 17.2,
 * 18.6 vs 19.2: a 4×4 map is 2 tiles wide, padded to 4, so half the products' columns are padding.
 * So: both channel counts ≥ 8, ≥ 16 tile columns per call, and at least 60 % of a tile row real.
 */
function wins(cin: number, cout: number, N: number, outH: number, outW: number): boolean {
  const tW = Math.ceil(outW / 2), tWp = (tW + 3) & ~3;
  return cin >= 8 && cout >= 8 && N * Math.ceil(outH / 2) * tWp >= 16 && tW >= 0.6 * tWp;
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;
/**
 * Floats between the 16 ξ blocks of U, V and M: a block's size plus one cache line. The transforms
 * write (read) the 16 blocks at once, and blocks a power of two apart (64·1024 floats: 256 KiB)
 * all map to the same cache sets: 16 streams thrashing them (layer3's weight transform ran ~8× slower).
 */
const ldXi = (floats: number): number => align16(floats * 4) / 4 + 16;

/** Tile columns per chunk of images: the 16 products' width (a whole image at least). */
const CHUNK_TILES = 1024;

/** 2×2 output tiles of an oH×oW map (rows padded to whole vectors of 4) and the images per chunk. */
function tiling(N: number, oH: number, oW: number) {
  const tH = (oH + 1) >> 1, tWp = (((oW + 1) >> 1) + 3) & ~3;
  const perImage = tH * tWp;
  const nc = Math.max(1, Math.min(N, Math.floor(CHUNK_TILES / perImage)));
  return { tH, tWp, perImage, nc, T: nc * perImage };
}

/** Consecutive 16-byte-aligned regions of wasm memory from `base`: take(bytes) gives each its address. */
function regions(base: number) {
  let at = base;
  return {
    take(bytes: number): number {
      const p = at;
      at += align16(bytes);
      return p;
    },
    end: (): number => at,
  };
}

/**
 * out[N, rows, oH, oW] from inp[N, cin, iH, iW] and the weight [Cout][C][3][3] as the forward
 * stores it (flip: the input gradient's, rows = C, cin = Cout), copied through wasm memory. False
 * (nothing written) when the memory cannot grow.
 */
function run(
  inp: Float32Array, w: Float32Array, out: Float32Array, N: number, cin: number, iH: number, iW: number,
  pH: number, pW: number, rows: number, oH: number, oW: number, flip: boolean,
): boolean {
  const { tH, tWp, perImage, nc, T } = tiling(N, oH, oW);
  const s0 = wasmScratch(0);
  if (s0 === null) return false;
  const ex = s0.ex;
  const inFloats = N * cin * iH * iW, outFloats = N * rows * oH * oW, wFloats = rows * cin * 9;
  const { take, end } = regions(s0.base);
  const inP = take(inFloats * 4), wP = take(wFloats * 4), outP = take(outFloats * 4);
  const ldU = ldXi(rows * cin), ldV = ldXi(cin * T), ldM = ldXi(rows * T);
  const U = take(16 * ldU * 4), V = take(16 * ldV * 4), M = take(16 * ldM * 4);
  const pad = take(Math.max(ex.winogradPlaneFloats(tH, tWp), 4 * perImage) * 4);
  const work = take(ex.gemmWorkBytes(rows, cin, T, 4) + 64);
  const s = wasmScratch(end() - s0.base);
  if (s === null) return false;
  s.f32.set(inp.subarray(0, inFloats), inP >> 2);
  s.f32.set(w.subarray(0, wFloats), wP >> 2);
  // U[ξ] is [rows][cin]: [Cout][C] for the forward, [C][Cout] for the input gradient
  ex.winogradWeightF32(wP, U, flip ? cin : rows, flip ? rows : cin, flip ? 1 : 0, ldU);
  const inImage = cin * iH * iW, outImage = rows * oH * oW;
  for (let n0 = 0; n0 < N; n0 += nc) {
    const c = Math.min(nc, N - n0);
    ex.winogradInputF32(inP + n0 * inImage * 4, c, cin, iH, iW, pH, pW, tH, tWp, V, ldV, pad);
    ex.sgemmBatchSplit(U, V, M, 16, rows, cin, c * perImage, 0, 0, 0, ldU, ldV, ldM, work);
    ex.winogradOutputF32(M, ldM, c, rows, tH, tWp, outP + n0 * outImage * 4, oH, oW, pad);
  }
  out.set(s.f32.subarray(outP >> 2, (outP >> 2) + outFloats));
  return true;
}

/** out[N, Cout, outH, outW] = conv(x, w) when Winograd applies and wins here; false: use im2col. */
export function winogradForwardF32(x: Float32Array, w: Float32Array, out: Float32Array, d: ConvDims): boolean {
  if (policy === "never" || !applies(d)) return false;
  const g = d.image;
  if (policy === "auto" && !wins(g.C, d.Cout, d.N, g.outH, g.outW)) return false;
  return run(x, w, out, d.N, g.C, g.H, g.W, g.pH, g.pW, d.Cout, g.outH, g.outW, false);
}

/** dx[N, C, H, W] (written) from gy[N, Cout, outH, outW] and the forward's w, like winogradForwardF32. */
export function winogradInputGradF32(w: Float32Array, gy: Float32Array, dx: Float32Array, d: ConvDims): boolean {
  if (policy === "never" || !applies(d)) return false;
  const g = d.image;
  if (policy === "auto" && !wins(d.Cout, g.C, d.N, g.H, g.W)) return false;
  return run(gy, w, dx, d.N, d.Cout, g.outH, g.outW, 2 - g.pH, 2 - g.pW, g.C, g.H, g.W, true);
}

/**
 * dw[Cout][C][3][3] (written) from x and gy: per chunk of images the input's tiles (as the forward's)
 * and the output gradient's, then per ξ S (+)= Ĝ · Vᵀ over the chunk's tiles, and dw = Gᵀ S G.
 */
export function winogradWeightGradF32(x: Float32Array, gy: Float32Array, dw: Float32Array, d: ConvDims): boolean {
  if (policy === "never" || !applies(d)) return false;
  const g = d.image, { N, Cout } = d, C = g.C;
  if (policy === "auto" && !wins(C, Cout, N, g.outH, g.outW)) return false;
  const { tH, tWp, perImage, nc, T } = tiling(N, g.outH, g.outW);
  const s0 = wasmScratch(0);
  if (s0 === null) return false;
  const ex = s0.ex;
  const inImage = C * g.H * g.W, outImage = Cout * g.outH * g.outW, wFloats = Cout * C * 9;
  const { take, end } = regions(s0.base);
  const xP = take(N * inImage * 4), gyP = take(N * outImage * 4), dwP = take(wFloats * 4);
  const ldV = ldXi(C * T), ldG = ldXi(Cout * T), ldS = ldXi(Cout * C);
  const V = take(16 * ldV * 4), G = take(16 * ldG * 4), S = take(16 * ldS * 4);
  const pad = take(Math.max(ex.winogradPlaneFloats(tH, tWp), 4 * perImage) * 4);
  const work = take(ex.gemmWorkBytes(Cout, T, C, 4) + 64);
  const s = wasmScratch(end() - s0.base);
  if (s === null) return false;
  s.f32.set(x.subarray(0, N * inImage), xP >> 2);
  s.f32.set(gy.subarray(0, N * outImage), gyP >> 2);
  for (let n0 = 0; n0 < N; n0 += nc) {
    const c = Math.min(nc, N - n0);
    ex.winogradInputF32(xP + n0 * inImage * 4, c, C, g.H, g.W, g.pH, g.pW, tH, tWp, V, ldV, pad);
    ex.winogradGradOutputF32(gyP + n0 * outImage * 4, c, Cout, g.outH, g.outW, tH, tWp, G, ldG, pad);
    ex.sgemmBatchSplit(G, V, S, 16, Cout, c * perImage, C, 0, 1, n0 === 0 ? 0 : 1, ldG, ldV, ldS, work);
  }
  ex.winogradWeightGradF32(S, ldS, Cout, C, dwP);
  dw.set(s.f32.subarray(dwP >> 2, (dwP >> 2) + wFloats));
  return true;
}
