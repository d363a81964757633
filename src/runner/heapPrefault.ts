import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// A check's tensors take fresh malloc memory, and with the child's malloc tunables (mallocTunables.ts:
// huge pages) the first touch of each 2 MiB is a page fault of ~0.3–1.5 ms on a VM, taken inside
// malloc and the check's first writes: 200 MB cost 30–40 ms in good moments and 160–690 ms in bad
// ones. A waiting child takes those faults instead: it mallocs and touches the memory a block at a
// time (Node's ArrayBuffers are malloc'd), then drops it and collects the garbage, so the blocks go
// back to malloc's heap, whose top stays resident (trim_threshold keeps it) for the check's mallocs.
// Measured (ResNet-18 warm check, 5 interleaved pairs on a loaded VM): the check child's system time
// 540 → 180 ms (median), its CPU time 2.74 → 2.55 s, its peak resident size 345 → 352 MiB.

const BLOCK_BYTES = 2 << 20;
const PAGE = 4096;

/**
 * Touches `totalBytes` of fresh malloc memory one block per call of `next()` (false once all is
 * held); `release()` drops it all. After `release(true)` it is back in malloc's free memory, and
 * resident; after `release(false)` (the check's input came first: it must not wait for a GC) the
 * check's own first collections free it.
 */
export function heapPrefaulter(totalBytes: number): { next(): boolean; release(collect: boolean): void } {
  let held: Buffer[] = [];
  let left = totalBytes;
  return {
    next() {
      if (left <= 0) return false;
      const block = Buffer.allocUnsafeSlow(Math.min(BLOCK_BYTES, left));
      for (let i = 0; i < block.length; i += PAGE) block[i] = 0;
      held.push(block);
      left -= block.length;
      return left > 0;
    },
    release(collect) {
      held = [];
      left = 0;
      if (collect) fullGc();
    },
  };
}

let gc: (() => void) | null = null;

/**
 * A full, synchronous collection: ArrayBuffers' memory is freed only when the GC finds them dead.
 * V8 exposes `gc` only to contexts created while --expose-gc is on: a new context's is taken, and
 * the flag turned off again, so the user's code (this context, or a context it creates) has none.
 */
function fullGc(): void {
  if (gc === null) {
    setFlagsFromString("--expose-gc");
    try {
      gc = runInNewContext("gc") as () => void;
    } finally {
      setFlagsFromString("--no-expose-gc");
    }
  }
  gc();
}
