/**
 * Synchronous instantiation of the embedded GEMM wasm module.
 *
 * No Node-only APIs: the bytes come from a generated TS module (base64), are
 * decoded with `atob` (or a small decoder when atob is missing) and compiled
 * with `new WebAssembly.Module`. Works in Node (main thread and
 * worker_threads) and in browser workers. (Browsers refuse synchronous
 * compilation of modules > 4 KB on the main thread; we then report the module
 * as unavailable and callers fall back to JS.)
 */
import {
  GEMM_RELAXED_BASE64,
  GEMM_RELAXED_SHARED_BASE64,
  GEMM_SIMD_BASE64,
  GEMM_SIMD_SHARED_BASE64,
} from "./kernels.generated";

export interface GemmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemmWorkBytes(m: number, k: number, n: number, elemBytes: number): number;
  setBlocking(mc: number, kc: number, nc: number): void;
  blockMC(): number;
  blockKC(): number;
  blockNC(): number;
  sgemm(
    a: number, b: number, c: number, m: number, k: number, n: number,
    transA: number, transB: number, accumulate: number, work: number,
  ): void;
  dgemm(
    a: number, b: number, c: number, m: number, k: number, n: number,
    transA: number, transB: number, accumulate: number, work: number,
  ): void;
  /** a batch of products in one call; strides in elements (0 broadcasts) */
  sgemmBatch(
    a: number, b: number, c: number, batch: number, m: number, k: number, n: number,
    transA: number, transB: number, accumulate: number, strideA: number, strideB: number, strideC: number, work: number,
  ): void;
  /** sgemmBatch with the products shared between the threads (one per panel) when a helper runs */
  sgemmBatchSplit(
    a: number, b: number, c: number, batch: number, m: number, k: number, n: number,
    transA: number, transB: number, accumulate: number, strideA: number, strideB: number, strideC: number, work: number,
  ): void;
  dgemmBatch(
    a: number, b: number, c: number, batch: number, m: number, k: number, n: number,
    transA: number, transB: number, accumulate: number, strideA: number, strideB: number, strideC: number, work: number,
  ): void;
  // optimizer updates (assembly/optim.ts); pointers are byte offsets, flags 0/1
  sgdF32(
    p: number, g: number, buf: number, n: number,
    lr: number, weightDecay: number, momentum: number, keep: number,
    nesterov: number, maximize: number, first: number,
  ): void;
  adamF32(
    p: number, g: number, m: number, v: number, vmax: number, n: number,
    decay: number, c1: number, beta2: number, c2: number, eps: number, weightDecay: number,
    stepSize: number, bc2Sqrt: number, decoupled: number, amsgrad: number, maximize: number,
  ): void;
  /**
   * nc images' column matrices side by side (image t's columns from t·L; the images C·H·W floats
   * apart), and back: col2imImagesF32 writes the images' gradients (no zeroing first). Large ones
   * are split with the helper thread.
   */
  im2colImagesF32(
    x: number, cols: number, nc: number, C: number, H: number, W: number, kH: number, kW: number,
    sH: number, sW: number, pH: number, pW: number, dH: number, dW: number, outH: number, outW: number, ld: number,
  ): void;
  col2imImagesF32(
    cols: number, dx: number, nc: number, C: number, H: number, W: number, kH: number, kW: number,
    sH: number, sW: number, pH: number, pW: number, dH: number, dW: number, outH: number, outW: number, ld: number,
  ): void;
  /** nc images' [rows, L] blocks side by side as one [rows, nc·L] matrix, and back */
  sideBySideF32(src: number, dst: number, rows: number, nc: number, L: number): void;
  splitSideBySideF32(src: number, dst: number, rows: number, nc: number, L: number): void;
  // Winograd F(2×2, 3×3) transforms (assembly/winograd.ts)
  winogradPlaneFloats(tH: number, tWp: number): number;
  winogradWeightF32(w: number, U: number, Cout: number, C: number, flip: number, ldXi: number): void;
  winogradInputF32(
    x: number, nc: number, C: number, H: number, W: number, pH: number, pW: number, tH: number, tWp: number, V: number, ldXi: number, pad: number,
  ): void;
  winogradOutputF32(
    M: number, ldXi: number, nc: number, Cout: number, tH: number, tWp: number, y: number, outH: number, outW: number, pad: number,
  ): void;
  winogradGradOutputF32(
    gy: number, nc: number, Cout: number, outH: number, outW: number, tH: number, tWp: number, G: number, ldXi: number, pad: number,
  ): void;
  winogradWeightGradF32(S: number, ldXi: number, Cout: number, C: number, dw: number): void;
  // batch_norm's passes over float32 [N, C, S] (assembly/batchNorm.ts); per-channel float64 arrays
  bnMomentsF32(x: number, N: number, C: number, S: number, moments: number): void;
  bnNormalizeF32(x: number, N: number, C: number, S: number, scale: number, shift: number): void;
  bnGradSumsF32(g: number, x: number, N: number, C: number, S: number, mean: number, sums: number): void;
  bnInputGradF32(g: number, x: number, N: number, C: number, S: number, coef: number): void;
  // exact GELU and its gradient on float32 arrays (assembly/gelu.ts); n elements
  geluF32(x: number, out: number, n: number): void;
  geluBackwardF32(g: number, x: number, out: number, n: number): void;
  // ReLU and its gradient on float32 arrays (assembly/relu.ts); n elements
  reluF32(x: number, out: number, n: number): void;
  reluBackwardF32(g: number, y: number, out: number, n: number): void;
  // the helper thread (assembly/threads.ts; no-ops in the single-memory builds)
  attachHelper(ctl: number, minFlops: number): void;
  detachHelper(): void;
  helperLoop(ctl: number): void;
  // the control block's layout (assembly/threads.ts; read through kernels/threads.ts controlLayout)
  CONTROL_HELPER_PANELS: WebAssembly.Global;
  CONTROL_HELPER_WORK: WebAssembly.Global;
  CONTROL_HELPER_WORK_BYTES: WebAssembly.Global;
  CONTROL_ALIVE: WebAssembly.Global;
  CONTROL_HELPER_BUF: WebAssembly.Global;
  CONTROL_HELPER_BUF_BYTES: WebAssembly.Global;
  CONTROL_PACK_BUF: WebAssembly.Global;
  CONTROL_PACK_BUF_BYTES: WebAssembly.Global;
  CONTROL_STATES: WebAssembly.Global;
  CONTROL_BYTES: WebAssembly.Global;
  rmspropF32(
    p: number, g: number, sq: number, buf: number, ga: number, n: number,
    lr: number, alpha: number, c: number, eps: number, weightDecay: number, momentum: number,
    centered: number, maximize: number,
  ): void;
}

export type GemmVariant = "relaxed-simd" | "simd";

export interface LoadedGemm {
  exports: GemmExports;
  variant: GemmVariant;
  /** the threaded build: its compiled module and the shared memory a helper thread's instance imports */
  shared?: { module: WebAssembly.Module; memory: WebAssembly.Memory };
}

/** Pages of the shared memory's maximum: the 4 GiB a 32-bit wasm memory can address. */
const SHARED_MAX_PAGES = 65536;

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const atobFn = (globalThis as { atob?: (s: string) => string }).atob;
  if (typeof atobFn === "function") {
    const bin = atobFn(s);
    const out = new Uint8Array(new ArrayBuffer(bin.length));
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  const lut = new Uint8Array(128);
  for (let i = 0; i < B64.length; i++) lut[B64.charCodeAt(i)] = i;
  let len = s.length;
  while (len > 0 && s[len - 1] === "=") len--;
  const out = new Uint8Array(new ArrayBuffer((len * 3) >> 2));
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    const c0 = lut[s.charCodeAt(i)];
    const c1 = lut[s.charCodeAt(i + 1)];
    const c2 = i + 2 < len ? lut[s.charCodeAt(i + 2)] : 0;
    const c3 = i + 3 < len ? lut[s.charCodeAt(i + 3)] : 0;
    const v = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (o < out.length) out[o++] = (v >> 16) & 255;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

function abort(): never {
  throw new Error("gradlens wasm kernel abort");
}

function instantiate(bytes: Uint8Array<ArrayBuffer>): GemmExports {
  const mod = new WebAssembly.Module(bytes);
  const inst = new WebAssembly.Instance(mod, { env: { abort } });
  return inst.exports as unknown as GemmExports;
}

/** The threaded build on a fresh shared memory; throws where threads or SharedArrayBuffer are missing. */
function instantiateShared(bytes: Uint8Array<ArrayBuffer>): Pick<LoadedGemm, "exports" | "shared"> {
  const module = new WebAssembly.Module(bytes);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
  const inst = new WebAssembly.Instance(module, { env: { memory, abort } });
  return { exports: inst.exports as unknown as GemmExports, shared: { module, memory } };
}

const cache = new Map<string, LoadedGemm | null>();

/**
 * Returns the instantiated module, or null when WebAssembly or SIMD is not
 * available. "auto" picks the relaxed-SIMD (FMA) build when the engine
 * validates it and the plain SIMD build otherwise; a specific variant can be
 * requested (tests run both). `shared` asks for the threaded build on a shared
 * memory (null where threads or SharedArrayBuffer are unavailable: callers then
 * load the single-thread build). Cached per realm (each worker gets its own).
 */
export function loadGemm(mode: "auto" | GemmVariant = "auto", options: { shared?: boolean } = {}): LoadedGemm | null {
  const shared = options.shared === true;
  const key = `${mode}${shared ? "+shared" : ""}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let result: LoadedGemm | null = null;
  const threads = !shared || typeof SharedArrayBuffer === "function";
  if (typeof WebAssembly === "object" && typeof WebAssembly.Module === "function" && threads) {
    const candidates: Array<[GemmVariant, string]> = [];
    if (mode !== "simd") candidates.push(["relaxed-simd", shared ? GEMM_RELAXED_SHARED_BASE64 : GEMM_RELAXED_BASE64]);
    if (mode !== "relaxed-simd") candidates.push(["simd", shared ? GEMM_SIMD_SHARED_BASE64 : GEMM_SIMD_BASE64]);
    for (const [variant, b64] of candidates) {
      try {
        const bytes = decodeBase64(b64);
        if (!WebAssembly.validate(bytes)) continue;
        result = shared ? { ...instantiateShared(bytes), variant } : { exports: instantiate(bytes), variant };
        break;
      } catch {
        // try the next variant / fall back to JS
      }
    }
  }
  cache.set(key, result);
  return result;
}
