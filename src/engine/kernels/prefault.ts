import { wasmScratch } from "./matmul";

// The kernels' wasm memory is mapped in 4 KiB pages (V8 does not ask for transparent huge pages, as
// glibc's malloc does for the check's tensors), and the first touch of each page is a page fault: on
// the benchmark VM ~24 µs each (a 25 MB memory: ~6,500 faults, ~150 ms of wall time; the same 25 MB
// of malloc'd huge pages: ~6 ms). A ResNet-18 check faulted in ~3,300 of them after the child's
// rehearsal, in its first forward and backward. A waiting child can take those faults before its
// input arrives instead (src/runner/worker.ts): this touches the memory's pages a chunk at a time.

const PAGE = 4096;

/**
 * Grows the kernels' wasm memory to `totalBytes` (no change when larger already, or without wasm)
 * and returns a function that touches its next `chunkBytes` of pages, returning false once all are
 * touched. Values never change (an atomic OR with 0, so the helper thread's control words stay
 * intact), and the growth is the one a kernel asking for that much scratch would make.
 */
export function kernelMemoryPrefaulter(totalBytes: number, chunkBytes = 2 << 20): () => boolean {
  const s0 = wasmScratch(0);
  if (s0 === null) return () => false;
  const s = wasmScratch(Math.max(0, totalBytes - s0.base));
  if (s === null) return () => false;
  const i32 = new Int32Array(s.f32.buffer);
  const step = PAGE / 4;
  let at = 0;
  return () => {
    const end = Math.min(i32.length, at + chunkBytes / 4);
    for (; at < end; at += step) Atomics.or(i32, at, 0);
    return at < i32.length;
  };
}
