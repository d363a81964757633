// @ts-nocheck -- AssemblyScript source (compiled by scripts/build-wasm.mjs), not plain TypeScript.
//
// Two threads for one large GEMM (the shared-memory builds only, compiled with threads): C is cut
// into panels (columns, or rows when C is taller than wide) that the calling thread and one helper
// thread claim through an atomic counter. A conv's im2col and col2im are jobs of the same kind, cut
// by channels (their output is "C": the column matrix, or the images' gradients), so the second
// core works between the conv's GEMMs too. The caller never waits on a helper that is late,
// descheduled (the other core busy) or never started:
//  - the helper computes a panel into a private buffer and copies it into C only if it "commits"
//    the panel (a compare-and-swap on the panel's state) before the caller takes it over;
//  - the caller, out of unclaimed panels, takes over each helper panel that is not committed yet
//    (at once if the helper has not started it, after about twice its expected time otherwise)
//    and computes it into C itself; the helper then drops its copy.
// So a product costs at most a little more than on one thread. Each panel is the single-threaded
// driver on a sub-range with the same blocking (a += panel starts from C's own values), so the
// result is bitwise the single-threaded one whichever thread computes which panel.
//
// The control block (CONTROL bytes at a host-chosen, 8-aligned address `ctl` in the shared memory):
//   0  i64 claim word: generation << 32 | panels << 16 | next panel
//  12  i32 panels committed by the helper (a statistic)
//  16  i32 helper's workspace  20 i32 its bytes  24.. the job: a, b, c, m, k, n, flags, step, MC, KC, NC,
//      packed (the shared operand packed whole by the caller, or 0)
//  72  i32 1 once the helper thread runs its loop   76 i32 helper's panel buffer  80 i32 its bytes
//  84  i32 the caller's buffer for the packed operand  88 i32 its bytes
// 128  an im2col/col2im job's geometry: C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW (13 × i32),
//      or a batch job's strides of A, B and C in elements (3 × i32): its panels are whole products
// 192  i32 state of each panel (MAX_PANELS): FREE, HELPER (computing), COMMITTING, COMMITTED, CALLER
// A job's fields are written before its claim word is published and stay put until every panel is
// done; a thread reads them only after it claimed a panel, so it always reads the live job's.
import { gemmRange, gemmWorkBytes, setBlocking, blockMC, blockKC, blockNC, packAllA, packAllB, packedBytes, microRows } from "./gemm";
import { col2imChannels, im2colChannels } from "./im2col";

// The fields the host writes or reads are exported (immutable globals): kernels/threads.ts reads
// them at load, so the layout is defined here only.
const WORD = 0;
export const CONTROL_HELPER_PANELS: i32 = 12;
export const CONTROL_HELPER_WORK: i32 = 16;
export const CONTROL_HELPER_WORK_BYTES: i32 = 20;
const JOB = 24; // a, b, c, m, k, n, flags, step, MC, KC, NC, packed: 12 × i32
export const CONTROL_ALIVE: i32 = 72;
export const CONTROL_HELPER_BUF: i32 = 76;
export const CONTROL_HELPER_BUF_BYTES: i32 = 80;
export const CONTROL_PACK_BUF: i32 = 84;
export const CONTROL_PACK_BUF_BYTES: i32 = 88;
const GEO = 128;
export const CONTROL_STATES: i32 = 192;
const MAX_PANELS = 64;
/** the block's size, which the host reserves */
export const CONTROL_BYTES: i32 = CONTROL_STATES + 4 * MAX_PANELS;
const HELPER_PANELS = CONTROL_HELPER_PANELS;
const HELPER_WORK = CONTROL_HELPER_WORK;
const HELPER_WORK_BYTES = CONTROL_HELPER_WORK_BYTES;
const ALIVE = CONTROL_ALIVE;
const HELPER_BUF = CONTROL_HELPER_BUF;
const HELPER_BUF_BYTES = CONTROL_HELPER_BUF_BYTES;
const PACK_BUF = CONTROL_PACK_BUF;
const PACK_BUF_BYTES = CONTROL_PACK_BUF_BYTES;
const STATES = CONTROL_STATES;

// a panel's state
const FREE = 0; // not started (unclaimed, or claimed by the helper that has not begun it)
const HELPER = 1;
const COMMITTING = 2;
const COMMITTED = 3;
const CALLER = 4;

const F_TRANS_A = 1;
const F_TRANS_B = 2;
const F_ACCUMULATE = 4;
const F_F64 = 8;
const F_ROWS = 16;
const F_IM2COL = 32;
const F_COL2IM = 64;
const F_BATCH = 128;

/** Panels per product: enough that the two threads finish together when one starts late. */
const PANELS = 16;
/** The narrowest panel (columns, or rows): narrower ones spend too much time repacking the other operand. */
const MIN_PANEL = 64;
/** The same when the shared operand is packed once (FINE_PANELS ≤ MAX_PANELS). */
const FINE_PANELS = 32;
const FINE_MIN_PANEL = 32;
/** The caller waits for a started helper panel up to its time at this rate (FLOP per ns) before taking it over. */
const PATIENCE_FLOPS_PER_NS: f64 = 20;
/**
 * An im2col/col2im element costs about as much time as this many FLOPs of the GEMM (~1.5 ns against
 * ~40 GFLOP/s), for the threshold and the patience.
 */
const FLOPS_PER_ELEMENT: f64 = 64;

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

/** The generation of the job this thread last claimed a panel of. */
let CLAIMED: i64 = 0;

/** Claims the next panel of the live job: its index, or −1 when none is left. */
@inline
function claim(ctl: usize): i32 {
  for (;;) {
    const v = atomic.load<i64>(ctl + WORD);
    const next = <i32>(v & 0xffff);
    const panels = <i32>((v >> 16) & 0xffff);
    if (next >= panels) return -1;
    if (atomic.cmpxchg<i64>(ctl + WORD, v, v + 1) == v) {
      CLAIMED = v >>> 32;
      return next;
    }
  }
  return -1; // unreachable (the compiler asks for a return)
}

@inline
function state(ctl: usize, p: i32): usize {
  return ctl + STATES + (<usize>p << 2);
}

/** Panel p's block of C, [I0, I1) × [J0, J1) (globals: AssemblyScript has no tuples). */
let I0: i32 = 0, I1: i32 = 0, J0: i32 = 0, J1: i32 = 0;
function panelBlock(ctl: usize, p: i32): void {
  const m = load<i32>(ctl + JOB + 12);
  const n = load<i32>(ctl + JOB + 20);
  const flags = load<i32>(ctl + JOB + 24);
  const step = load<i32>(ctl + JOB + 28);
  const lo = p * step;
  const rows = (flags & F_ROWS) != 0;
  I0 = rows ? lo : 0;
  I1 = rows ? min(m, lo + step) : m;
  J0 = rows ? 0 : lo;
  J1 = rows ? n : min(n, lo + step);
}

/**
 * Runs panel p of the job in ctl with this thread's workspace, into C (buf = 0) or into the private
 * buffer buf (rows J1 − J0 apart; for +=, C's block is copied in first).
 */
function runPanel(ctl: usize, p: i32, work: usize, buf: usize): void {
  const a = <usize>load<i32>(ctl + JOB);
  const b = <usize>load<i32>(ctl + JOB + 4);
  const c = <usize>load<i32>(ctl + JOB + 8);
  const m = load<i32>(ctl + JOB + 12);
  const k = load<i32>(ctl + JOB + 16);
  const n = load<i32>(ctl + JOB + 20);
  const flags = load<i32>(ctl + JOB + 24);
  const packed = <usize>load<i32>(ctl + JOB + 44);
  if (flags & F_BATCH) {
    runBatchPanel(ctl, p, a, b, c, m, k, n, flags, work, buf);
    return;
  }
  panelBlock(ctl, p);
  const i0 = I0, i1 = I1, j0 = J0, j1 = J1;
  if (flags & (F_IM2COL | F_COL2IM)) {
    runConvPanel(ctl, flags, a, b, c, m, k, n, i0, i1, j0, j1, buf);
    return;
  }
  const tA = (flags & F_TRANS_A) != 0;
  const tB = (flags & F_TRANS_B) != 0;
  const acc = (flags & F_ACCUMULATE) != 0;
  const es: usize = flags & F_F64 ? 8 : 4;
  let out = c + (<usize>i0 * <usize>n + <usize>j0) * es;
  let ldo = n;
  if (buf != 0) {
    if (acc) copyBlock(out, <usize>n * es, buf, <usize>(j1 - j0) * es, i1 - i0, <usize>(j1 - j0) * es);
    out = buf;
    ldo = j1 - j0;
  }
  // row panels share B, column panels A: packed whole once by the caller when it fits its buffer
  const rows = (flags & F_ROWS) != 0;
  const pA: usize = rows ? 0 : packed, pB: usize = rows ? packed : 0;
  if (flags & F_F64) gemmRange<f64>(a, b, out, ldo, m, k, n, tA, tB, acc, work, i0, i1, j0, j1, pA, pB);
  else gemmRange<f32>(a, b, out, ldo, m, k, n, tA, tB, acc, work, i0, i1, j0, j1, pA, pB);
}

/** Product p of a batch job, into C_p (buf = 0) or the private buffer buf (rows n apart). */
function runBatchPanel(ctl: usize, p: i32, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, flags: i32, work: usize, buf: usize): void {
  const tA = (flags & F_TRANS_A) != 0;
  const tB = (flags & F_TRANS_B) != 0;
  const acc = (flags & F_ACCUMULATE) != 0;
  const es: usize = flags & F_F64 ? 8 : 4;
  const ap = a + <usize>p * <usize>geo(ctl, 0) * es, bp = b + <usize>p * <usize>geo(ctl, 1) * es;
  let out = c + <usize>p * <usize>geo(ctl, 2) * es;
  if (buf != 0) {
    if (acc) memory.copy(buf, out, <usize>m * <usize>n * es);
    out = buf;
  }
  if (flags & F_F64) gemmRange<f64>(ap, bp, out, n, m, k, n, tA, tB, acc, work, 0, m, 0, n);
  else gemmRange<f32>(ap, bp, out, n, m, k, n, tA, tB, acc, work, 0, m, 0, n);
}

@inline
function geo(ctl: usize, i: i32): i32 {
  return load<i32>(ctl + GEO + (<usize>i << 2));
}

/**
 * Panel [i0, i1) × [j0, j1) of an im2col job (C = the column matrix, K × ld: a = x, b = the images'
 * stride in floats, k = nc; row panels of whole channels) or a col2im job (C = the nc images'
 * gradients, nc × C·H·W: a = the column matrix, b = its row stride; column panels of whole channels).
 */
function runConvPanel(
  ctl: usize, flags: i32, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
  i0: i32, i1: i32, j0: i32, j1: i32, buf: usize,
): void {
  const H = geo(ctl, 1), W = geo(ctl, 2), kH = geo(ctl, 3), kW = geo(ctl, 4);
  const sH = geo(ctl, 5), sW = geo(ctl, 6), pH = geo(ctl, 7), pW = geo(ctl, 8);
  const dH = geo(ctl, 9), dW = geo(ctl, 10), outH = geo(ctl, 11), outW = geo(ctl, 12);
  let out = c + ((<usize>i0 * <usize>n + <usize>j0) << 2);
  let ldo = n;
  if (buf != 0) {
    out = buf;
    ldo = j1 - j0;
  }
  if (flags & F_IM2COL) {
    const kk = kH * kW;
    im2colChannels(a, b, out, ldo, k, i0 / kk, i1 / kk, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW);
  } else {
    const plane = H * W;
    col2imChannels(a, <i32>b, out, ldo, m, j0 / plane, j1 / plane, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW);
  }
}

@inline
function copyBlock(src: usize, srcStride: usize, dst: usize, dstStride: usize, rows: i32, bytes: usize): void {
  for (let r = 0; r < rows; r++) memory.copy(dst + <usize>r * dstStride, src + <usize>r * srcStride, bytes);
}

/** The helper's private result of panel p into C (after it committed the panel). */
function copyOut(ctl: usize, p: i32, buf: usize): void {
  const c = <usize>load<i32>(ctl + JOB + 8);
  const n = load<i32>(ctl + JOB + 20);
  const flags = load<i32>(ctl + JOB + 24);
  const es: usize = flags & F_F64 ? 8 : 4;
  if (flags & F_BATCH) {
    memory.copy(c + <usize>p * <usize>geo(ctl, 2) * es, buf, <usize>load<i32>(ctl + JOB + 12) * <usize>n * es);
    return;
  }
  panelBlock(ctl, p);
  const w = <usize>(J1 - J0) * es;
  copyBlock(buf, w, c + (<usize>I0 * <usize>n + <usize>J0) * es, <usize>n * es, I1 - I0, w);
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
  const flops = 2.0 * <f64>m * <f64>k * <f64>n;
  if (flops < MIN_FLOPS) return false;
  const es = sizeof<T>();
  // the helper's workspace must hold what this product's blocking needs
  if (gemmWorkBytes(m, k, n, <i32>es) > load<i32>(ctl + HELPER_WORK_BYTES)) return false;
  const rows = m > n;
  const extent = rows ? m : n;
  const other = rows ? n : m;
  // with the operand the panels share packed once, a narrow panel costs little more than a wide one:
  // finer panels, so the caller waits less for the helper's last one
  const packable = packedBytes(other, k, <i32>es, !rows) <= <f64>load<i32>(ctl + PACK_BUF_BYTES);
  const quantum = rows ? (packable ? microRows() : blockMC()) : 32 / <i32>es;
  const want = packable ? FINE_PANELS : PANELS;
  const step = roundUp(max(packable ? FINE_MIN_PANEL : MIN_PANEL, (extent + want - 1) / want), quantum);
  const panels = (extent + step - 1) / step;
  if (panels < 2 || panels > MAX_PANELS) return false;
  // and its buffer one panel
  if (<f64>step * <f64>other * <f64>es > <f64>load<i32>(ctl + HELPER_BUF_BYTES)) return false;
  let flags = (transA ? F_TRANS_A : 0) | (transB ? F_TRANS_B : 0) | (accumulate ? F_ACCUMULATE : 0);
  if (es == 8) flags |= F_F64;
  if (rows) flags |= F_ROWS;
  // every panel would pack the operand they share again: pack it once (same blocks, same results)
  let packed: usize = 0;
  if (packable) {
    packed = <usize>load<i32>(ctl + PACK_BUF);
    if (rows) packAllB<T>(b, transB, k, n, packed);
    else packAllA<T>(a, transA, m, k, packed);
  }
  publishJob(ctl, a, b, c, m, k, n, flags, step, packed);
  runShared(ctl, panels, flops, work);
  return true;
}

/**
 * A batch of products (gemmBatch's arguments) on both threads, one product per panel: for products
 * too small to split one by one (Winograd's 16 per chunk, 2·m·k·n ≈ 17 MFLOP each in a ResNet-18
 * at batch 8) but worth it together. False when the caller should run them alone.
 */
export function gemmBatchShared<T>(
  a: usize, b: usize, c: usize, batch: i32, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool, strideA: i32, strideB: i32, strideC: i32, work: usize,
): bool {
  const ctl = CTL;
  if (ctl == 0 || batch < 2 || batch > MAX_PANELS || strideC == 0) return false;
  const flops = 2.0 * <f64>m * <f64>k * <f64>n * <f64>batch;
  if (flops < MIN_FLOPS) return false;
  const es = sizeof<T>();
  if (gemmWorkBytes(m, k, n, <i32>es) > load<i32>(ctl + HELPER_WORK_BYTES)) return false;
  if (<f64>m * <f64>n * <f64>es > <f64>load<i32>(ctl + HELPER_BUF_BYTES)) return false;
  let flags = F_BATCH | (transA ? F_TRANS_A : 0) | (transB ? F_TRANS_B : 0) | (accumulate ? F_ACCUMULATE : 0);
  if (es == 8) flags |= F_F64;
  const g = ctl + GEO;
  store<i32>(g, strideA); store<i32>(g, strideB, 4); store<i32>(g, strideC, 8);
  publishJob(ctl, a, b, c, m, k, n, flags, 1, 0);
  runShared(ctl, batch, flops, work);
  return true;
}

/** The job's fields (the current blocking with them, so the helper's panels are the caller's). */
function publishJob(ctl: usize, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, flags: i32, step: i32, packed: usize): void {
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
  store<i32>(ctl + JOB + 44, <i32>packed);
}

/** Publishes the job written in ctl as `panels` panels and runs it to the end with the helper. */
function runShared(ctl: usize, panels: i32, flops: f64, work: usize): void {
  for (let p = 0; p < panels; p++) atomic.store<i32>(state(ctl, p), FREE);
  const generation = (atomic.load<i64>(ctl + WORD) >>> 32) + 1;
  // publishing the claim word (sequentially consistent) makes the job's fields visible with it
  atomic.store<i64>(ctl + WORD, (generation << 32) | (<i64>panels << 16));
  atomic.notify(ctl + WORD, 1);
  let mine: u64 = 0;
  for (let p = claim(ctl); p >= 0; p = claim(ctl)) {
    runPanel(ctl, p, work, 0);
    mine |= (<u64>1) << <u64>p;
  }
  // every panel is claimed: the helper's are committed, or taken over
  const patience = <i64>(flops / <f64>panels / PATIENCE_FLOPS_PER_NS) + 100_000;
  for (let p = 0; p < panels; p++) {
    if (mine & ((<u64>1) << <u64>p)) continue;
    const at = state(ctl, p);
    let waited = false;
    for (;;) {
      const s = atomic.load<i32>(at);
      if (s == COMMITTED) break;
      if (s == HELPER && !waited) {
        memory.atomic.wait32(at, HELPER, patience);
        waited = true;
        continue;
      }
      if (s == FREE || s == HELPER) {
        if (atomic.cmpxchg<i32>(at, s, CALLER) == s) {
          runPanel(ctl, p, work, 0);
          break;
        }
        continue;
      }
      memory.atomic.wait32(at, COMMITTING, -1); // the helper is copying its result into C
    }
  }
}

/** Channels per panel for a job over C channels: PANELS panels at most. */
@inline
function channelsPerPanel(C: i32): i32 {
  return (C + PANELS - 1) / PANELS;
}

/** Whether an im2col/col2im job of `elements` floats goes to both threads; its panels must fit the helper's buffer. */
@inline
function splitConv(ctl: usize, C: i32, elements: f64, panelBytes: f64): bool {
  if (ctl == 0 || elements * FLOPS_PER_ELEMENT < MIN_FLOPS) return false;
  if ((C + channelsPerPanel(C) - 1) / channelsPerPanel(C) < 2) return false;
  return panelBytes <= <f64>load<i32>(ctl + HELPER_BUF_BYTES);
}

function storeGeometry(
  ctl: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, outH: i32, outW: i32,
): void {
  const g = ctl + GEO;
  store<i32>(g, C); store<i32>(g, H, 4); store<i32>(g, W, 8); store<i32>(g, kH, 12); store<i32>(g, kW, 16);
  store<i32>(g, sH, 20); store<i32>(g, sW, 24); store<i32>(g, pH, 28); store<i32>(g, pW, 32);
  store<i32>(g, dH, 36); store<i32>(g, dW, 40); store<i32>(g, outH, 44); store<i32>(g, outW, 48);
}

/** im2colImagesF32 (im2col.ts) on both threads; false when the caller should run it alone. */
export function im2colShared(
  x: usize, cols: usize, nc: i32, C: i32, H: i32, W: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, outH: i32, outW: i32, ld: i32,
): bool {
  const ctl = CTL;
  const K = C * kH * kW, per = channelsPerPanel(C);
  const elements = <f64>K * <f64>nc * <f64>outH * <f64>outW;
  if (!splitConv(ctl, C, elements, <f64>per * <f64>(kH * kW) * <f64>ld * 4)) return false;
  storeGeometry(ctl, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW);
  publishJob(ctl, x, <usize>(C * H * W), cols, K, nc, ld, F_IM2COL | F_ROWS, per * kH * kW, 0);
  runShared(ctl, (C + per - 1) / per, elements * FLOPS_PER_ELEMENT, 0);
  return true;
}

/** col2imImagesF32 (im2col.ts) on both threads; false when the caller should run it alone. */
export function col2imShared(
  cols: usize, dx: usize, nc: i32, C: i32, H: i32, W: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, outH: i32, outW: i32, ld: i32,
): bool {
  const ctl = CTL;
  const per = channelsPerPanel(C);
  const elements = <f64>(C * kH * kW) * <f64>nc * <f64>outH * <f64>outW;
  if (!splitConv(ctl, C, elements, <f64>nc * <f64>per * <f64>(H * W) * 4)) return false;
  storeGeometry(ctl, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW);
  publishJob(ctl, cols, <usize>ld, dx, nc, 0, C * H * W, F_COL2IM, per * H * W, 0);
  runShared(ctl, (C + per - 1) / per, elements * FLOPS_PER_ELEMENT, 0);
  return true;
}

/**
 * The helper thread's loop (another instance of this module on the same memory): serves the jobs
 * published in ctl with its own workspace and buffer; never returns (the thread ends with its process).
 */
export function helperLoop(ctl: usize): void {
  if (!ASC_FEATURE_THREADS) return;
  const work = <usize>load<i32>(ctl + HELPER_WORK);
  const buf = <usize>load<i32>(ctl + HELPER_BUF);
  atomic.store<i32>(ctl + ALIVE, 1);
  for (;;) {
    const v = atomic.load<i64>(ctl + WORD);
    const p = claim(ctl);
    if (p < 0) {
      // nothing to do: sleep until a new job is published (a changed word wakes us too)
      memory.atomic.wait64(ctl + WORD, v, -1);
      continue;
    }
    const at = state(ctl, p);
    if (atomic.cmpxchg<i32>(at, FREE, HELPER) != FREE) continue; // the caller took it over
    // Descheduled between the claim and that swap, the helper may find the caller done with the
    // claimed job (it took the panel over) and the state it swapped a later job's: that panel is not
    // the helper's (the caller may compute it into C itself and move on), so it gives the state back.
    if ((atomic.load<i64>(ctl + WORD) >>> 32) != CLAIMED) {
      atomic.store<i32>(at, FREE);
      continue;
    }
    // the job's blocking, so panels are bitwise what the caller would compute
    setBlocking(load<i32>(ctl + JOB + 32), load<i32>(ctl + JOB + 36), load<i32>(ctl + JOB + 40));
    runPanel(ctl, p, work, buf);
    if (atomic.cmpxchg<i32>(at, HELPER, COMMITTING) == HELPER) {
      copyOut(ctl, p, buf);
      atomic.add<i32>(ctl + HELPER_PANELS, 1);
      atomic.store<i32>(at, COMMITTED);
    }
    atomic.notify(at, 1);
  }
}
