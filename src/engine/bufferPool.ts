import { allocate, type DType, type TypedArray } from "./dtype";
import type { Storage } from "./storage";

// Reuse of float buffers the engine knows nobody can reach any more: gradients that a backward sweep
// made, handed to the next node and that died there (see autograd/backward.ts, which decides). A new
// op output of the same length takes one instead of a fresh, zero-filled allocation (the allocation,
// its memset and the garbage it leaves cost ~6% of an MLP training step). Bounded: at most
// MAX_BYTES are kept, and clearBufferPool() hands them all back to the garbage collector.

const MAX_BYTES = 64 * 1024 * 1024;
/** Below this many elements a fresh array is about as cheap as a lookup. */
const MIN_ELEMENTS = 1024;
/** A few of each length: one training step reuses the same handful of shapes. */
const MAX_PER_LENGTH = 8;

const pools = { float32: new Map<number, Float32Array[]>(), float64: new Map<number, Float64Array[]>() };
let pooledBytes = 0;
let enabled = true;

/** Turns reuse off (every allocation fresh, nothing kept) or back on; for tests that compare both. */
export function setBufferPooling(on: boolean): void {
  enabled = on;
  if (!on) clearBufferPool();
}

/** Memory without zero-filling, when the host has a way to get it (setUninitializedMemory). */
let uninitializedMemory: ((bytes: number) => ArrayBuffer) | null = null;

/**
 * Lets allocateUninitialized take memory that is not zero-filled (the check's child: Node's
 * Buffer.allocUnsafeSlow) instead of `new Float32Array(n)`, whose zero-fill costs ~0.2 ms per 2 MB
 * of reused memory (the engine itself runs on any JS host, hence a hook). `fn(bytes)` returns an
 * ArrayBuffer of exactly `bytes` bytes; null restores zero-filled allocation.
 */
export function setUninitializedMemory(fn: ((bytes: number) => ArrayBuffer) | null): void {
  uninitializedMemory = fn;
}

/**
 * An array of n elements of `dtype` whose contents are unspecified: the caller must write every
 * element before the array is read. A pooled buffer when one of that length is free, else a fresh one.
 */
export function allocateUninitialized(dtype: DType, n: number): TypedArray {
  if (n >= MIN_ELEMENTS && (dtype === "float32" || dtype === "float64")) {
    if (enabled) {
      const free = pools[dtype].get(n);
      const buf = free?.pop();
      if (buf !== undefined) {
        pooledBytes -= buf.byteLength;
        return buf;
      }
    }
    if (uninitializedMemory !== null) {
      return dtype === "float32" ? new Float32Array(uninitializedMemory(n * 4)) : new Float64Array(uninitializedMemory(n * 8));
    }
  }
  return allocate(dtype, n);
}

/**
 * Takes the memory of a storage no tensor can reach any more. The storage is left empty (length 0),
 * so a reader the caller overlooked fails loudly instead of seeing another tensor's values.
 */
export function recycleStorage(storage: Storage): void {
  const data = storage.data;
  const dtype = data instanceof Float32Array ? "float32" : data instanceof Float64Array ? "float64" : undefined;
  if (!enabled || dtype === undefined) return;
  if (data.length < MIN_ELEMENTS || data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) return;
  storage.data = EMPTY[dtype];
  // One list type for both dtypes: a length's list only ever holds arrays of its own map's dtype.
  const pool: Map<number, TypedArray[]> = pools[dtype];
  let list = pool.get(data.length);
  if (list === undefined) pool.set(data.length, (list = []));
  if (list.length >= MAX_PER_LENGTH || pooledBytes + data.byteLength > MAX_BYTES) return;
  list.push(data);
  pooledBytes += data.byteLength;
}

const EMPTY = { float32: new Float32Array(0), float64: new Float64Array(0) };

/** Bytes held for reuse. */
export function bufferPoolBytes(): number {
  return pooledBytes;
}

/** Drops every pooled buffer (their memory goes back with the next garbage collection). */
export function clearBufferPool(): void {
  pools.float32.clear();
  pools.float64.clear();
  pooledBytes = 0;
}
