import { decodeBase64 } from "../engine/kernels/wasm/loader";
import { SCANS_WASM_BASE64 } from "./scans.generated";

// The recorder's scans over whole parameters and gradients, run at every step: whether a step changed
// each parameter (a fingerprint before and after: no copy of the parameter) and each gradient's L2
// norm. On a small model they were a third of the tracer's cost as JavaScript loops (~1 ns per
// element); float32 arrays run in wasm SIMD (scans.wat), copied in at memcpy speed, a chunk at a time:
// a whole ResNet-18 weight (9.4 MB) would grow the module's memory by fresh pages that cost more to
// fault in than the scan saves. Both paths compute the same values in the same order: the results are
// identical.

interface ScanExports {
  memory: WebAssembly.Memory;
  /** continues the fingerprint state at byte offset `st` (see STATE_WORDS) over n16 groups of 16 floats */
  fingerprint(p: number, n16: number, st: number): void;
  /** adds to the float64 partial sums s0 … s7 at byte offset `acc` */
  sumSquares(p: number, n8: number, acc: number): void;
}

/** l2norm: below this many elements the copy's fixed cost outweighs the vector loop. */
const WASM_MIN_ELEMENTS = 64;
/** Floats copied in per chunk (a multiple of 16: whole groups of vectors): 64 KiB, cache-sized. */
const CHUNK = 16384;
/** Fingerprint lanes (element i goes to lane i mod 16); each has two accumulators, a and b. */
const LANES = 16;
/** The state in words: a[0..15], b[0..15], then 4 words of max(bits << 1) (non-finite seen). */
const STATE_WORDS = 2 * LANES + 4;
/** Byte offsets in the module's memory: the partial sums, the fingerprint state, then a chunk. */
const ACC = 0, STATE = 64, CHUNK_AT = 256, END = CHUNK_AT + CHUNK * 4;
/** The accumulators' start and odd multipliers (FNV-1a's 32-bit offset and prime; 2³²/φ, odd). */
const A0 = 0x811c9dc5 | 0, C1 = 0x01000193, B0 = 0x9e3779b9 | 0, C2 = 0x9e3779b1 | 0;
const START = new Int32Array(STATE_WORDS).fill(A0, 0, LANES).fill(B0, LANES, 2 * LANES);
/** (bits << 1) at or above this (unsigned): exponent all ones, a NaN or ±∞ (float32; NONFINITE64 for a float64's high word) */
const NONFINITE32 = 0xff000000, NONFINITE64 = 0xffe00000;

let scans: ScanExports | null | undefined;
let view: Float32Array | null = null;
/** the same memory as 32-bit words: the fingerprint state */
let ints: Int32Array | null = null;

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

/** Whole pairs of vectors: 8 floats (scans.wat's sumSquares takes two vectors a turn). */
const pairs = (n: number): number => (n + 7) >> 3;
/** Whole groups of four vectors: 16 floats (scans.wat's fingerprint takes four a turn). */
const quads = (n: number): number => (n + 15) >> 4;

/**
 * A view of the scan module's memory, grown once to hold the sums, the state and a chunk; null if it
 * cannot grow. Nothing else grows it, so the views stay valid (a step scans dozens of small
 * parameters: a view made per call was a good part of their cost).
 */
function memoryView(ex: ScanExports): Float32Array | null {
  if (view !== null) return view;
  const have = ex.memory.buffer.byteLength;
  if (have < END) {
    try {
      ex.memory.grow(Math.ceil((END - have) / 65536));
    } catch {
      return null;
    }
  }
  ints = new Int32Array(ex.memory.buffer);
  view = new Float32Array(ex.memory.buffer);
  return view;
}

/** Copies src[from, from + n) to float offset `at` and zeroes the rest of its last `group` floats. */
function put(v: Float32Array, at: number, src: Float32Array, from: number, n: number, group: number): void {
  v.set(n === src.length ? src : src.subarray(from, from + n), at);
  v.fill(0, at + n, at + Math.ceil(n / group) * group);
}

/**
 * What a parameter's values hash to, for "did a step change it": equal values (−0 and +0 alike) give
 * equal fingerprints; a single changed element always gives a different one (it changes its lane's
 * accumulators, see scans.wat), several changed ones all but always. The whole state, compared lane
 * by lane: a fold of lanes into fewer words cancels equal changes in two lanes (a constant bias
 * stepped to another constant). Null when a NaN or ±∞ is among the values: a step counts as
 * changing such a parameter, as its |after − before| is NaN or ∞ (PyTorch's tracer computes exactly
 * that). Two arrays of 16 words: a typed array over 64 bytes lives outside V8's heap, and allocating
 * and collecting one per parameter per step cost more than a small parameter's scan.
 */
export interface Fingerprint {
  readonly length: number;
  /** the a accumulators of lanes 0–15 */
  readonly a: Int32Array;
  /** the b accumulators of lanes 0–15 */
  readonly b: Int32Array;
}

/** Whether a step changed the values fingerprinted before it (`before`) into `after`. */
export function changedBetween(before: Fingerprint | null, after: Fingerprint | null): boolean {
  if (before === null || after === null || before.length !== after.length) return true;
  for (let i = 0; i < LANES; i++) if (before.a[i] !== after.a[i] || before.b[i] !== after.b[i]) return true;
  return false;
}

/** Every float32 array runs in wasm, however short: the JavaScript loop costs more than a call. */
export function fingerprint(values: ArrayLike<number>): Fingerprint | null {
  const n = values.length;
  if (values instanceof Float32Array) {
    const ex = instance();
    const v = ex === null ? null : memoryView(ex);
    if (ex !== null && v !== null && ints !== null) {
      ints.set(START, STATE / 4);
      for (let from = 0; from < n; from += CHUNK) {
        const len = Math.min(CHUNK, n - from);
        put(v, CHUNK_AT / 4, values, from, len, LANES);
        ex.fingerprint(CHUNK_AT, quads(len), STATE);
      }
      return fingerprintOf(ints, STATE / 4, n);
    }
  }
  return fingerprintJs(values);
}

/** The state at word `at` as a Fingerprint, or null when it saw a NaN or ±∞ (its last four words). */
function fingerprintOf(state: Int32Array, at: number, length: number): Fingerprint | null {
  let top = 0;
  for (let i = at + 2 * LANES; i < at + STATE_WORDS; i++) top = Math.max(top, state[i]! >>> 0);
  if (top >= NONFINITE32) return null;
  const a = new Int32Array(LANES), b = new Int32Array(LANES);
  for (let i = 0; i < LANES; i++) {
    a[i] = state[at + i]!;
    b[i] = state[at + LANES + i]!;
  }
  return { length, a, b };
}

/**
 * scans.wat's fingerprint as a loop over 32-bit words, bit for bit for float32 (its x + 0 turns
 * only −0's bits into +0's). Other arrays: float64 values as their two words each (each word is an
 * element of the loop, so one changed value still always shows), bool/uint8 as the value.
 */
export function fingerprintJs(values: ArrayLike<number>): Fingerprint | null {
  const f32 = values instanceof Float32Array, f64 = values instanceof Float64Array;
  const words =
    values instanceof Float32Array || values instanceof Float64Array
      ? new Int32Array(values.buffer, values.byteOffset, values.length * (f64 ? 2 : 1))
      : Int32Array.from(values);
  const n = words.length;
  const end = quads(n) * LANES; // the wasm path's zero padding, hashed alike
  const state = START.slice();
  for (let i = 0; i < end; i++) {
    let x = i < n ? words[i]! : 0;
    if (f32) {
      if (x === -0x80000000) x = 0;
      state[2 * LANES] = Math.max(state[2 * LANES]! >>> 0, (x << 1) >>> 0);
    } else if (f64 && (i & 1) === 1) {
      if (x === -0x80000000 && words[i - 1] === 0) x = 0;
      if ((x << 1) >>> 0 >= NONFINITE64) return null;
    }
    const lane = i & (LANES - 1);
    state[lane] = Math.imul(state[lane]! ^ x, C1);
    const t = (state[LANES + lane]! + x) | 0;
    state[LANES + lane] = Math.imul((t << 16) | (t >>> 16), C2);
  }
  return fingerprintOf(state, 0, values.length);
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
        put(v, CHUNK_AT / 4, d, from, len, 8);
        ex.sumSquares(CHUNK_AT, pairs(len), ACC);
      }
      return Math.sqrt(sums[0]! + sums[1]! + sums[2]! + sums[3]! + sums[4]! + sums[5]! + sums[6]! + sums[7]!);
    }
  }
  return Math.sqrt(sumSquaresJs(d));
}

export function sumSquaresJs(d: ArrayLike<number>): number {
  // eight partial sums, as scans.wat's (one running sum is a chain of dependent adds, several times
  // slower); element i goes to s(i mod 8). The last group's missing elements read as 0 in the same
  // loop: a separate tail loop that most calls never reach has no type feedback (V8 deoptimized at it)
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
