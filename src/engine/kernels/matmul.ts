/**
 * Matmul dispatcher used by the engine.
 *
 *   matmulInto(a, b, out, m, k, n, transA, transB, accumulate?, aOff?, bOff?, outOff?)
 *   bmmInto(a, b, out, batch, m, k, n, transA, transB, strideA, strideB, strideOut,
 *           accumulate?, aOff?, bOff?, outOff?)
 *
 * Same semantics as ./matmulRef (see there for layouts). Large float32/float64
 * products run in the embedded wasm SIMD kernel (copied into wasm memory,
 * packed, multiplied, copied out); small ones, mixed dtypes, and everything
 * when WebAssembly is unavailable run in the TypeScript kernels.
 *
 * Backend switch for tests/benchmarks: setKernelBackend("js" | "wasm").
 * A host that can start threads hands over a starter (useHelperThread): the
 * kernels then load the threaded build and split large products with a helper
 * thread (./threads.ts). Inputs must not alias `out`.
 */
import {
  bmmInto as jsBmmInto,
  checkBatchArgs,
  matmulIntoUnchecked as jsMatmulUnchecked,
  type FloatArray,
} from "./matmulRef";
import { loadGemm, type GemmExports, type GemmVariant, type LoadedGemm } from "./wasm/loader";
import {
  DEFAULT_THREAD_MIN_FLOPS,
  helperAlive,
  helperBytes,
  helperPanels,
  startHelper,
  type HelperThread,
  type HelperThreadStarter,
} from "./threads";

export type { FloatArray } from "./matmulRef";
export type KernelBackend = "js" | "wasm";
export type WasmVariantRequest = "auto" | GemmVariant;

/** Below this m·k·n the copy/packing overhead outweighs wasm (measured crossover ≈ 8×8×8). */
export const DEFAULT_WASM_MIN_WORK = 512;

let requested: KernelBackend | undefined; // undefined = auto (wasm when available)
let variantRequest: WasmVariantRequest = "auto";
let wasmMinWork = DEFAULT_WASM_MIN_WORK;
let helperStarter: HelperThreadStarter | null = null;
let threadMinFlops = DEFAULT_THREAD_MIN_FLOPS;
/** One helper thread per shared memory, kept when the kernel state is rebuilt (variant switches). */
const helpers = new WeakMap<WebAssembly.Memory, HelperThread>();

interface WasmState {
  ex: GemmExports;
  variant: GemmVariant;
  base: number;
  buffer: ArrayBuffer | null;
  f32: Float32Array;
  f64: Float64Array;
  /** the helper thread splitting large products with this thread, if any */
  helper: HelperThread | null;
}

let state: WasmState | null | undefined;

function wasmState(): WasmState | null {
  if (state !== undefined) return state;
  const loaded = (helperStarter !== null ? loadGemm(variantRequest, { shared: true }) : null) ?? loadGemm(variantRequest);
  if (!loaded) return (state = null);
  const ex = loaded.exports;
  // the control block must not sit at address 0 (0 means "no helper" to the module)
  const heap = align(Math.max(ex.heapBase(), 64), 64);
  state = { ex, variant: loaded.variant, base: heap, buffer: null, f32: new Float32Array(0), f64: new Float64Array(0), helper: null };
  if (loaded.shared) attachHelper(state, loaded.shared, heap);
  refreshViews(state);
  warmUp(state);
  return state;
}

/** Reserves the helper's control block and workspace below the scratch area and starts (or re-attaches) the thread. */
function attachHelper(s: WasmState, shared: NonNullable<LoadedGemm["shared"]>, control: number): void {
  s.base = control + helperBytes(s.ex);
  if (!ensureMemory(s, s.base)) return;
  const running = helpers.get(shared.memory);
  if (running) {
    s.ex.attachHelper(running.control, threadMinFlops);
    s.helper = running;
    return;
  }
  if (helperStarter === null) return;
  s.helper = startHelper(s.ex, shared, control, helperStarter, threadMinFlops);
  if (s.helper) helpers.set(shared.memory, s.helper);
}

/**
 * V8 first runs wasm with its baseline compiler (Liftoff) and only switches to
 * optimized code for *later* calls once a function is hot; a first 512³ call
 * would run entirely in baseline code (measured 200–330 ms instead of ~6–11 ms).
 * A few small products at instantiation (a few ms) make the kernels hot so
 * optimization starts early (first 512³ call then measured ~80 ms on a loaded box).
 */
function warmUp(s: WasmState): void {
  const m = 20, k = 128, n = 16;
  const aPtr = s.base;
  const bPtr = aPtr + m * k * 8;
  const cPtr = bPtr + k * n * 8;
  const wPtr = cPtr + m * n * 8;
  if (!ensureMemory(s, wPtr + s.ex.gemmWorkBytes(m, k, n, 8))) return;
  s.f64.fill(0, aPtr / 8, wPtr / 8); // zeros: no NaN/denormal slow paths
  for (let i = 0; i < 8; i++) {
    s.ex.sgemm(aPtr, bPtr, cPtr, m, k, n, i & 1, (i >> 1) & 1, 0, wPtr);
    s.ex.dgemm(aPtr, bPtr, cPtr, m, k, n, i & 1, (i >> 1) & 1, 0, wPtr);
  }
}

function align(x: number, q: number): number {
  return Math.ceil(x / q) * q;
}

function refreshViews(s: WasmState): void {
  const buf = s.ex.memory.buffer;
  if (buf !== s.buffer) {
    s.buffer = buf;
    s.f32 = new Float32Array(buf);
    s.f64 = new Float64Array(buf);
  }
}

/** Grow wasm memory to at least `bytes`; false if the engine refuses. */
function ensureMemory(s: WasmState, bytes: number): boolean {
  const have = s.ex.memory.buffer.byteLength;
  if (bytes > have) {
    if (bytes > 0xffff0000) return false;
    try {
      s.ex.memory.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      return false;
    }
  }
  refreshViews(s);
  return true;
}

/** True when the wasm kernels can be instantiated in this realm. */
export function isWasmAvailable(): boolean {
  return wasmState() !== null;
}

/** Which wasm build is in use ("relaxed-simd" = FMA, "simd"), or null. */
export function getWasmVariant(): GemmVariant | null {
  return wasmState()?.variant ?? null;
}

/**
 * Select the kernel backend. "wasm" throws if WebAssembly SIMD is unavailable.
 * `variant` (tests/benchmarks) forces a specific wasm build.
 */
export function setKernelBackend(backend: KernelBackend, options?: { variant?: WasmVariantRequest }): void {
  if (backend !== "js" && backend !== "wasm") throw new TypeError(`unknown kernel backend ${String(backend)}`);
  if (options?.variant !== undefined && options.variant !== variantRequest) {
    variantRequest = options.variant;
    state = undefined;
  }
  if (backend === "wasm" && !wasmState()) {
    throw new Error("setKernelBackend('wasm'): WebAssembly SIMD is not available here");
  }
  requested = backend;
}

export function getKernelBackend(): KernelBackend {
  if (requested) return requested;
  return wasmState() ? "wasm" : "js";
}

/**
 * Lets the kernels split large products with a helper thread that `start` runs (the host's way to
 * start one: the engine has no threads of its own). Takes effect at the kernels' next load (now,
 * if they are loaded); null goes back to one thread. A realm starts at most one helper per memory.
 */
export function useHelperThread(start: HelperThreadStarter | null): void {
  helperStarter = start;
  if (start === null && state?.helper) state.ex.detachHelper();
  state = undefined;
}

/** Products of at least this many FLOPs (2·m·k·n) are split with the helper thread (tests, benchmarks). */
export function setThreadMinFlops(flops: number): void {
  threadMinFlops = Math.max(0, flops);
  const s = state;
  if (s && s.helper) s.ex.attachHelper(s.helper.control, threadMinFlops);
}

/** The helper thread's state: null without one; else whether it runs and the panels it computed so far. */
export function helperThreadStats(): { running: boolean; panels: number } | null {
  const h = wasmState()?.helper;
  return h ? { running: helperAlive(h), panels: helperPanels(h) } : null;
}

/** m·k·n below which the wasm backend still uses JS (0 = always wasm). */
export function setWasmMinWork(work: number): void {
  wasmMinWork = Math.max(0, work);
}

export function getWasmMinWork(): number {
  return wasmMinWork;
}

/**
 * The wasm module and a view of its memory with at least `bytes` free from `base`, for the other
 * kernels (optimizer updates); null when the JS kernels are selected or wasm is unavailable. Calls
 * are synchronous, so kernels share the one scratch area above the module's heap.
 */
export function wasmScratch(bytes: number): { ex: GemmExports; f32: Float32Array; base: number } | null {
  if (requested === "js") return null;
  const s = wasmState();
  if (!s || !ensureMemory(s, s.base + bytes)) return null;
  return s;
}

function useWasm(a: FloatArray, b: FloatArray, out: FloatArray, m: number, k: number, n: number): WasmState | null {
  if (requested === "js") return null;
  if (m === 0 || n === 0 || k === 0) return null;
  if (m * k * n < wasmMinWork) return null;
  const is32 = a instanceof Float32Array;
  if (is32) {
    if (!(b instanceof Float32Array && out instanceof Float32Array)) return null;
  } else if (!(a instanceof Float64Array && b instanceof Float64Array && out instanceof Float64Array)) {
    return null;
  }
  return wasmState();
}

/**
 * Runs the batch in wasm. Returns false (without touching `out`) if memory
 * could not be grown, so the caller can fall back to JS.
 */
function wasmBmm(
  s: WasmState, a: FloatArray, b: FloatArray, out: FloatArray,
  batch: number, m: number, k: number, n: number,
  transA: boolean, transB: boolean,
  strideA: number, strideB: number, strideOut: number,
  accumulate: boolean, aOff: number, bOff: number, outOff: number,
  /** with accumulate: C starts as this row repeated (one product), not as out's values */
  rowInit: FloatArray | null = null,
): boolean {
  const is32 = a instanceof Float32Array;
  const es = is32 ? 4 : 8;
  const aLen = m * k;
  const bLen = k * n;
  const cLen = m * n;
  if (batch > 1 && strideOut === cLen) {
    const done = wasmBatch(s, a, b, out, batch, m, k, n, transA, transB, strideA, strideB, accumulate, aOff, bOff, outOff);
    if (done) return true;
  }
  const aPtr = s.base;
  const bPtr = align(aPtr + aLen * es, 64);
  const cPtr = align(bPtr + bLen * es, 64);
  const wPtr = align(cPtr + cLen * es, 64);
  const end = wPtr + s.ex.gemmWorkBytes(m, k, n, es);
  if (!ensureMemory(s, end)) return false;
  const view: FloatArray = is32 ? s.f32 : s.f64;
  const gemm = is32 ? s.ex.sgemm : s.ex.dgemm;
  const tA = transA ? 1 : 0;
  const tB = transB ? 1 : 0;
  // strideOut 0 + accumulate: keep the sum resident in wasm, copy out once.
  const reduceOut = strideOut === 0 && batch > 1;
  for (let t = 0; t < batch; t++) {
    if (t === 0 || strideA !== 0) {
      const o = aOff + t * strideA;
      view.set(a.subarray(o, o + aLen), aPtr / es);
    }
    if (t === 0 || strideB !== 0) {
      const o = bOff + t * strideB;
      view.set(b.subarray(o, o + bLen), bPtr / es);
    }
    const oo = outOff + t * strideOut;
    let acc = accumulate;
    if (reduceOut) {
      if (t === 0 && accumulate) view.set(out.subarray(oo, oo + cLen), cPtr / es);
      acc = accumulate || t > 0;
    } else if (rowInit !== null) {
      fillRows(view, cPtr / es, rowInit, m, n);
    } else if (accumulate) {
      view.set(out.subarray(oo, oo + cLen), cPtr / es);
    }
    gemm(aPtr, bPtr, cPtr, m, k, n, tA, tB, acc ? 1 : 0, wPtr);
    if (!reduceOut || t === batch - 1) {
      const base = cPtr / es;
      out.set(view.subarray(base, base + cLen), oo);
    }
  }
  return true;
}

/** Largest batch (its inputs and outputs, bytes) copied into wasm memory at once: small products' batches; larger ones go product by product, so the memory stays small. */
const BATCH_SPAN_BYTES = 4 << 20;

/**
 * A batch whose outputs lie back to back: the spans of a, b and out copied in (out only for +=) and
 * out once, the products in one call (per-product copies and calls were most of the time of
 * attention's small per-head products). False when the spans are too large or memory could not grow.
 */
function wasmBatch(
  s: WasmState, a: FloatArray, b: FloatArray, out: FloatArray,
  batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean,
  strideA: number, strideB: number, accumulate: boolean, aOff: number, bOff: number, outOff: number,
): boolean {
  const is32 = a instanceof Float32Array;
  const es = is32 ? 4 : 8;
  const aSpan = (batch - 1) * strideA + m * k;
  const bSpan = (batch - 1) * strideB + k * n;
  const cSpan = batch * m * n;
  if (strideA < 0 || strideB < 0 || (aSpan + bSpan + cSpan) * es > BATCH_SPAN_BYTES) return false;
  const aPtr = s.base;
  const bPtr = align(aPtr + aSpan * es, 64);
  const cPtr = align(bPtr + bSpan * es, 64);
  const wPtr = align(cPtr + cSpan * es, 64);
  if (!ensureMemory(s, wPtr + s.ex.gemmWorkBytes(m, k, n, es))) return false;
  const view: FloatArray = is32 ? s.f32 : s.f64;
  view.set(a.subarray(aOff, aOff + aSpan), aPtr / es);
  view.set(b.subarray(bOff, bOff + bSpan), bPtr / es);
  if (accumulate) view.set(out.subarray(outOff, outOff + cSpan), cPtr / es);
  const gemm = is32 ? s.ex.sgemmBatch : s.ex.dgemmBatch;
  gemm(aPtr, bPtr, cPtr, batch, m, k, n, transA ? 1 : 0, transB ? 1 : 0, accumulate ? 1 : 0, strideA, strideB, m * n, wPtr);
  out.set(view.subarray(cPtr / es, cPtr / es + cSpan), outOff);
  return true;
}

/**
 * out[outOff..] (= | +=) op(a)·op(b); op(a) is m×k (a stored k×m if transA),
 * op(b) is k×n (b stored n×k if transB).
 */
export function matmulInto(
  a: FloatArray, b: FloatArray, out: FloatArray,
  m: number, k: number, n: number,
  transA: boolean, transB: boolean, accumulate = false,
  aOff = 0, bOff = 0, outOff = 0,
): void {
  checkBatchArgs(a, b, out, 1, m, k, n, 0, 0, 0, aOff, bOff, outOff, accumulate);
  const s = useWasm(a, b, out, m, k, n);
  if (s && wasmBmm(s, a, b, out, 1, m, k, n, transA, transB, 0, 0, 0, accumulate, aOff, bOff, outOff)) return;
  jsMatmulUnchecked(a, b, out, m, k, n, transA, transB, accumulate, aOff, bOff, outOff);
}

/**
 * out[outOff..] = bias + op(a)·op(b) with `bias` (n values) added to every row: nn.Linear's forward.
 * In wasm the product's rows start as the bias there (BLAS's beta = 1) instead of being filled in
 * `out` and copied in (one pass over the output fewer).
 */
export function addmmRowsInto(
  bias: FloatArray, a: FloatArray, b: FloatArray, out: FloatArray,
  m: number, k: number, n: number, transA: boolean, transB: boolean,
  aOff = 0, bOff = 0, outOff = 0,
): void {
  checkBatchArgs(a, b, out, 1, m, k, n, 0, 0, 0, aOff, bOff, outOff, false);
  if (bias.length !== n) throw new RangeError(`addmmRowsInto: bias has ${bias.length} values, expected ${n}`);
  const s = bias.constructor === out.constructor ? useWasm(a, b, out, m, k, n) : null;
  if (s && wasmBmm(s, a, b, out, 1, m, k, n, transA, transB, 0, 0, 0, true, aOff, bOff, outOff, bias)) return;
  fillRows(out, outOff, bias, m, n);
  jsMatmulUnchecked(a, b, out, m, k, n, transA, transB, true, aOff, bOff, outOff);
}

/** out[off + i·n + j] = row[j] for every row i of an [m, n] matrix. */
function fillRows(out: FloatArray, off: number, row: FloatArray, m: number, n: number): void {
  if (m === 0 || n === 0) return;
  out.set(row, off);
  // doubling copies: log2(m) memcpy calls instead of m
  for (let filled = 1; filled < m; filled *= 2) out.copyWithin(off + filled * n, off, off + Math.min(filled, m - filled) * n);
}

/**
 * Batched matmul: for t in [0, batch):
 *   out[outOff + t*strideOut] (= | +=) op(a[aOff + t*strideA]) · op(b[bOff + t*strideB])
 * strideA/strideB = 0 broadcast one matrix; strideOut = 0 requires accumulate
 * and sums the batch into one matrix.
 */
export function bmmInto(
  a: FloatArray, b: FloatArray, out: FloatArray,
  batch: number, m: number, k: number, n: number,
  transA: boolean, transB: boolean,
  strideA: number, strideB: number, strideOut: number,
  accumulate = false, aOff = 0, bOff = 0, outOff = 0,
): void {
  checkBatchArgs(a, b, out, batch, m, k, n, strideA, strideB, strideOut, aOff, bOff, outOff, accumulate);
  if (batch === 0) return;
  const s = useWasm(a, b, out, m, k, n);
  if (
    s &&
    wasmBmm(s, a, b, out, batch, m, k, n, transA, transB, strideA, strideB, strideOut, accumulate, aOff, bOff, outOff)
  ) {
    return;
  }
  jsBmmInto(a, b, out, batch, m, k, n, transA, transB, strideA, strideB, strideOut, accumulate, aOff, bOff, outOff);
}
