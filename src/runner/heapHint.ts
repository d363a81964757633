// How much fresh malloc memory a waiting child faults in for the check it will run (heapPrefault.ts),
// from the previous check's peak resident size. The host knows that peak (its watchdog's); the child
// knows its own resident size once ready, which is the baseline: it differs between Node 20 (~117
// MiB for a ready child), Node 24 and Electron, and with the engine's rehearsal, so it is measured
// there, not assumed here.

/** GRADLENS_HEAP_HINT="<last check's peak RSS>:<its RSS at its start>:<memory limit>" (bytes) in a spare's environment */
export const HEAP_HINT_ENV = "GRADLENS_HEAP_HINT";

const MiB = 2 ** 20;
/** at most this much: below glibc's trim_threshold (mallocTunables.ts) with room for what the heap already holds free */
export const MAX_HEAP_PREFAULT_BYTES = 384 * MiB;
/** less is not worth a child's holding it: a few faults */
export const MIN_HEAP_PREFAULT_BYTES = 16 * MiB;

export interface HeapHint {
  /** the previous check's peak resident size (0: unknown) */
  lastPeakRssBytes: number;
  /** its resident size as it started: a spare's includes what it had faulted in (0: unknown) */
  lastStartRssBytes: number;
  /** the check's memory limit (what the spare holds counts towards it) */
  memoryLimitBytes: number;
}

export interface HeapHintInputs extends HeapHint {
  /** the waiting child's own resident size before it faults anything in for the check */
  baselineRssBytes: number;
  /** os.freemem(): the idle spare holds what it faults in */
  freeMemBytes: number;
}

/**
 * Bytes to fault in. A check that grew past what its child held at its start: 7/8 of what it grew
 * beyond a ready child — not all of it, as part of the growth is not malloc memory (V8's heap,
 * thread stacks), which an unused prefault would add to the next peak and so to the next hint;
 * with 7/8 the hints shrink back instead of ratcheting up. A check that stayed within what its
 * child held (a small file after a large one) used at most that: half of it, so a small file's
 * spare lets go of a large one's memory in a few checks. Capped by MAX, half the memory limit (an
 * unused prefault leaves room for a smaller file's own growth) and a quarter of the free memory;
 * zero below MIN.
 */
export function heapPrefaultBytes(h: HeapHintInputs): number {
  const held = h.lastStartRssBytes - h.baselineRssBytes;
  const grew = h.lastPeakRssBytes - h.lastStartRssBytes >= MIN_HEAP_PREFAULT_BYTES;
  const want = grew || !(h.lastStartRssBytes > 0) ? ((h.lastPeakRssBytes - h.baselineRssBytes) * 7) / 8 : held / 2;
  if (!(want > 0)) return 0;
  const bytes = Math.min(want, MAX_HEAP_PREFAULT_BYTES, h.memoryLimitBytes / 2, h.freeMemBytes / 4);
  return bytes >= MIN_HEAP_PREFAULT_BYTES ? Math.floor(bytes / MiB) * MiB : 0;
}

export function formatHeapHint(h: HeapHint): string {
  return [h.lastPeakRssBytes, h.lastStartRssBytes, h.memoryLimitBytes].map((n) => Math.max(0, Math.round(n))).join(":");
}

/** The hint's numbers, or null when absent or malformed (no prefault). */
export function parseHeapHint(value: string | undefined): HeapHint | null {
  const m = /^(\d+):(\d+):(\d+)$/.exec(value ?? "");
  if (m === null) return null;
  return { lastPeakRssBytes: Number(m[1]), lastStartRssBytes: Number(m[2]), memoryLimitBytes: Number(m[3]) };
}
