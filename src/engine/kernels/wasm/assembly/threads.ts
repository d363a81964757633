// @ts-nocheck -- AssemblyScript source (compiled by scripts/build-wasm.mjs), not plain TypeScript.
//
// Two threads for one large GEMM (the shared-memory builds only, compiled with threads): C is cut
// into panels (columns, or rows when C is taller than wide) that the calling thread and one helper
// thread claim through an atomic counter. The caller works through panels itself and at the end
// waits only for panels the helper has already claimed, so a helper that is late, descheduled (the
// other core busy) or never started costs nothing: the caller then does every panel. Each panel is
// the single-threaded driver on a sub-range with the same blocking, so the result is bitwise the
// single-threaded one whichever thread computes which panel.
//
// The control block (128 bytes at a host-chosen, 8-aligned address `ctl` in the shared memory):
//   0  i64 claim word: generation << 32 | panels << 16 | next panel
//   8  i32 panels done (the caller waits on it)     12 i32 panels done by the helper (a statistic)
//  16  i32 helper's workspace      20 i32 its bytes 24.. the job: a, b, c, m, k, n, flags, step, MC, KC, NC
//  72  i32 1 once the helper thread runs its loop
// A job's fields are written before its claim word is published and stay put until every panel is
// done; a thread reads them only after it claimed a panel, so it always reads the live job's.
import { gemmRange, gemmWorkBytes, setBlocking, blockMC, blockKC, blockNC } from "./gemm";

const WORD = 0;
const DONE = 8;
const HELPER_PANELS = 12;
const HELPER_WORK = 16;
const HELPER_WORK_BYTES = 20;
const JOB = 24; // a, b, c, m, k, n, flags, step, MC, KC, NC: 11 × i32
const ALIVE = 72;
// the block is 128 bytes (the host reserves it)

const F_TRANS_A = 1;
const F_TRANS_B = 2;
const F_ACCUMULATE = 4;
const F_F64 = 8;
const F_ROWS = 16;

/** Panels per product: enough that the two threads finish together when one starts late. */
const PANELS = 16;
/** The narrowest panel (columns, or rows): narrower ones spend too much time repacking the other operand. */
const MIN_PANEL = 64;

// this instance's side: the control block (0 = no helper) and the smallest product (2·m·k·n) to split
let CTL: usize = 0;
let MIN_FLOPS: f64 = 0;

/** Calls from now on split products of at least minFlops with the helper thread that serves ctl. */
export function attachHelper(ctl: usize, minFlops: f64): void {
  CTL = ctl;
  MIN_FLOPS = minFlops;
}

/** Back to one thread (the helper keeps waiting; it costs nothing). */
export function detachHelper(): void {
  CTL = 0;
}

@inline
function roundUp(x: i32, q: i32): i32 {
  return ((x + q - 1) / q) * q;
}

/** Claims the next panel of the live job: its index, or −1 when none is left. */
@inline
function claim(ctl: usize): i32 {
  for (;;) {
    const v = atomic.load<i64>(ctl + WORD);
    const next = <i32>(v & 0xffff);
    const panels = <i32>((v >> 16) & 0xffff);
    if (next >= panels) return -1;
    if (atomic.cmpxchg<i64>(ctl + WORD, v, v + 1) == v) return next;
  }
  return -1; // unreachable (the compiler asks for a return)
}

/** Runs panel `p` of the job in ctl with this thread's workspace. */
function runPanel(ctl: usize, p: i32, work: usize): void {
  const a = <usize>load<i32>(ctl + JOB);
  const b = <usize>load<i32>(ctl + JOB + 4);
  const c = <usize>load<i32>(ctl + JOB + 8);
  const m = load<i32>(ctl + JOB + 12);
  const k = load<i32>(ctl + JOB + 16);
  const n = load<i32>(ctl + JOB + 20);
  const flags = load<i32>(ctl + JOB + 24);
  const step = load<i32>(ctl + JOB + 28);
  const lo = p * step;
  const rows = (flags & F_ROWS) != 0;
  const i0 = rows ? lo : 0;
  const i1 = rows ? min(m, lo + step) : m;
  const j0 = rows ? 0 : lo;
  const j1 = rows ? n : min(n, lo + step);
  const tA = (flags & F_TRANS_A) != 0;
  const tB = (flags & F_TRANS_B) != 0;
  const acc = (flags & F_ACCUMULATE) != 0;
  if (flags & F_F64) gemmRange<f64>(a, b, c, m, k, n, tA, tB, acc, work, i0, i1, j0, j1);
  else gemmRange<f32>(a, b, c, m, k, n, tA, tB, acc, work, i0, i1, j0, j1);
}

/**
 * The caller's side: splits the product with the helper when one is attached and the product is
 * large enough; false when the caller should run it alone.
 */
@inline
export function gemmShared<T>(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool, work: usize,
): bool {
  const ctl = CTL;
  if (ctl == 0) return false;
  if (2.0 * <f64>m * <f64>k * <f64>n < MIN_FLOPS) return false;
  const es = sizeof<T>();
  // the helper's workspace must hold what this product's blocking needs
  if (gemmWorkBytes(m, k, n, <i32>es) > load<i32>(ctl + HELPER_WORK_BYTES)) return false;
  const rows = m > n;
  const extent = rows ? m : n;
  const quantum = rows ? blockMC() : 32 / <i32>es;
  const step = roundUp(max(MIN_PANEL, (extent + PANELS - 1) / PANELS), quantum);
  const panels = (extent + step - 1) / step;
  if (panels < 2) return false;
  let flags = (transA ? F_TRANS_A : 0) | (transB ? F_TRANS_B : 0) | (accumulate ? F_ACCUMULATE : 0);
  if (es == 8) flags |= F_F64;
  if (rows) flags |= F_ROWS;
  store<i32>(ctl + JOB, <i32>a);
  store<i32>(ctl + JOB + 4, <i32>b);
  store<i32>(ctl + JOB + 8, <i32>c);
  store<i32>(ctl + JOB + 12, m);
  store<i32>(ctl + JOB + 16, k);
  store<i32>(ctl + JOB + 20, n);
  store<i32>(ctl + JOB + 24, flags);
  store<i32>(ctl + JOB + 28, step);
  store<i32>(ctl + JOB + 32, blockMC());
  store<i32>(ctl + JOB + 36, blockKC());
  store<i32>(ctl + JOB + 40, blockNC());
  atomic.store<i32>(ctl + DONE, 0);
  const generation = (atomic.load<i64>(ctl + WORD) >>> 32) + 1;
  // publishing the claim word (sequentially consistent) makes the job's fields visible with it
  atomic.store<i64>(ctl + WORD, (generation << 32) | (<i64>panels << 16));
  atomic.notify(ctl + WORD, 1);
  let p = claim(ctl);
  while (p >= 0) {
    runPanel(ctl, p, work);
    atomic.add<i32>(ctl + DONE, 1);
    p = claim(ctl);
  }
  // every panel is claimed: wait for the ones the helper is still computing
  for (;;) {
    const done = atomic.load<i32>(ctl + DONE);
    if (done >= panels) break;
    memory.atomic.wait32(ctl + DONE, done, -1);
  }
  return true;
}

/**
 * The helper thread's loop (another instance of this module on the same memory): serves the jobs
 * published in ctl with its own workspace; never returns (the thread ends with its process).
 */
export function helperLoop(ctl: usize): void {
  if (!ASC_FEATURE_THREADS) return;
  const work = <usize>load<i32>(ctl + HELPER_WORK);
  atomic.store<i32>(ctl + ALIVE, 1);
  for (;;) {
    const v = atomic.load<i64>(ctl + WORD);
    const p = claim(ctl);
    if (p < 0) {
      // nothing to do: sleep until a new job is published (a changed word wakes us too)
      memory.atomic.wait64(ctl + WORD, v, -1);
      continue;
    }
    // the job's blocking, so panels are bitwise what the caller would compute
    setBlocking(load<i32>(ctl + JOB + 32), load<i32>(ctl + JOB + 36), load<i32>(ctl + JOB + 40));
    runPanel(ctl, p, work);
    atomic.add<i32>(ctl + HELPER_PANELS, 1);
    atomic.add<i32>(ctl + DONE, 1);
    atomic.notify(ctl + DONE, 1);
  }
}
