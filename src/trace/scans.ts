import { decodeBase64 } from "../engine/kernels/wasm/loader";
import { SCANS_WASM_BASE64 } from "./scans.generated";

// The recorder's scans over whole parameters and gradients, run at every step: how far a step moved
// each parameter (max |after − before|) and each gradient's L2 norm. On a small model they were a
// third of the tracer's cost as JavaScript loops (~1 ns per element); float32 arrays run in wasm SIMD
// (scans.wat), copied in at memcpy speed, a chunk at a time: a whole ResNet-18 weight (9.4 MB, twice
// for a difference) would grow the module's memory by fresh pages that cost more to fault in than the
// scan saves. Both paths compute the same values in the same order: the results are identical.

interface ScanExports {
  memory: WebAssembly.Memory;
  maxAbsDiff(a: number, b: number, n8: number): number;
  /** adds to the float64 partial sums s0 … s7 at byte offset `acc` */
  sumSquares(p: number, n8: number, acc: number): void;
}

/** Below this many elements the copies' fixed cost outweighs the vector loop. */
const WASM_MIN_ELEMENTS = 64;
/** Floats copied in per chunk (a multiple of 8: whole pairs of vectors): 64 KiB, cache-sized. */
const CHUNK = 16384;
/** Byte offsets in the module's memory: the partial sums, then the chunks of the two operands. */
const ACC = 0, A = 64, B = A + CHUNK * 4, END = B + CHUNK * 4;

let scans: ScanExports | null | undefined;
let view: Float32Array | null = null;

function instance(): ScanExports | null {
  if (scans !== undefined) return scans;
  try {
    const module = new WebAssembly.Module(decodeBase64(SCANS_WASM_BASE64));
    scans = new WebAssembly.Instance(module).exports as unknown as ScanExports;
  } catch {
    scans = null; // no WebAssembly SIMD here: the JavaScript loops
  }
  return scans;
}

/** Whether float32 scans run in wasm here (Node and VS Code's extension host have wasm SIMD). */
export function scansInWasm(): boolean {
  return instance() !== null;
}

/** Whole pairs of vectors: 8 floats (scans.wat's maxAbsDiff takes two vectors a turn). */
const pairs = (n: number): number => (n + 7) >> 3;

/** A view of the scan module's memory, grown once to hold the sums and two chunks; null if it cannot grow. */
function memoryView(ex: ScanExports): Float32Array | null {
  const have = ex.memory.buffer.byteLength;
  if (have < END) {
    try {
      ex.memory.grow(Math.ceil((END - have) / 65536));
    } catch {
      return null;
    }
  }
  if (view === null || view.buffer !== ex.memory.buffer) view = new Float32Array(ex.memory.buffer);
  return view;
}

/** Copies src[from, from + n) to float offset `at` and zeroes the rest of its last pair of vectors. */
function put(v: Float32Array, at: number, src: Float32Array, from: number, n: number): void {
  v.set(src.subarray(from, from + n), at);
  v.fill(0, at + n, at + pairs(n) * 8);
}

/**
 * max |b[i] − a[i]| with float32 differences, as the PyTorch tracer's `(p - before).abs().max()`
 * (zero exactly when nothing changed); NaN when any difference is NaN (a NaN or ∞ − ∞ value).
 */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  if (n >= WASM_MIN_ELEMENTS && a instanceof Float32Array && b instanceof Float32Array) {
    const ex = instance();
    const v = ex === null ? null : memoryView(ex);
    if (ex !== null && v !== null) {
      // a maximum over chunks is the maximum; NaN once any chunk's is
      let max = 0;
      for (let from = 0; from < n; from += CHUNK) {
        const len = Math.min(CHUNK, n - from);
        put(v, A / 4, a, from, len);
        put(v, B / 4, b, from, len);
        max = Math.max(max, ex.maxAbsDiff(A, B, pairs(len)));
      }
      return max;
    }
  }
  return maxAbsDiffJs(a, b, n);
}

/** The Euclidean norm of `d`'s elements. */
export function l2norm(d: ArrayLike<number>): number {
  const n = d.length;
  if (n >= WASM_MIN_ELEMENTS && d instanceof Float32Array) {
    const ex = instance();
    const v = ex === null ? null : memoryView(ex);
    if (ex !== null && v !== null) {
      // chunks of whole pairs of vectors continue the same eight partial sums (element i goes to s(i mod 8))
      const sums = new Float64Array(ex.memory.buffer, ACC, 8);
      sums.fill(0);
      for (let from = 0; from < n; from += CHUNK) {
        const len = Math.min(CHUNK, n - from);
        put(v, A / 4, d, from, len);
        ex.sumSquares(A, pairs(len), ACC);
      }
      return Math.sqrt(sums[0]! + sums[1]! + sums[2]! + sums[3]! + sums[4]! + sums[5]! + sums[6]! + sums[7]!);
    }
  }
  return Math.sqrt(sumSquaresJs(d));
}

export function maxAbsDiffJs(a: ArrayLike<number>, b: ArrayLike<number>, n = Math.min(a.length, b.length)): number {
  // four running maxima; Math.max is NaN once any difference is. fround of the float64 difference
  // is the float32 one (it is exact in float64, or the smaller operand is too small to round it to a
  // float32 midpoint). The tail runs in the same loop: a separate tail loop that most calls never
  // reach has no type feedback (V8 deoptimized at it)
  const f = Math.fround;
  let m0 = 0, m1 = 0, m2 = 0, m3 = 0;
  for (let i = 0; i < n; i += 4) {
    m0 = Math.max(m0, Math.abs(f(b[i] - a[i])));
    if (i + 3 < n) {
      m1 = Math.max(m1, Math.abs(f(b[i + 1] - a[i + 1])));
      m2 = Math.max(m2, Math.abs(f(b[i + 2] - a[i + 2])));
      m3 = Math.max(m3, Math.abs(f(b[i + 3] - a[i + 3])));
    } else {
      for (let j = i + 1; j < n; j++) m1 = Math.max(m1, Math.abs(f(b[j] - a[j])));
    }
  }
  return Math.max(m0, m1, m2, m3);
}

export function sumSquaresJs(d: ArrayLike<number>): number {
  // eight partial sums, as scans.wat's (one running sum is a chain of dependent adds, several times
  // slower); element i goes to s(i mod 8). The last group's missing elements read as 0 in the same
  // loop (see above)
  const n = d.length;
  const at = (i: number): number => (i < n ? d[i] : 0);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  for (let i = 0; i < n; i += 8) {
    const a = d[i], b = at(i + 1), c = at(i + 2), e = at(i + 3), f = at(i + 4), g = at(i + 5), h = at(i + 6), k = at(i + 7);
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += e * e;
    s4 += f * f;
    s5 += g * g;
    s6 += h * h;
    s7 += k * k;
  }
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
}
