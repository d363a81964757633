// @ts-nocheck -- AssemblyScript source (compiled by scripts/build-wasm.mjs), not plain TypeScript.
//
// Blocked, packed GEMM for f32 (f32x4) and f64 (f64x2) with 128-bit wasm SIMD.
//
//   C[m×n] (=|+=) op(A)[m×k] · op(B)[k×n]
//   op(A) = A (m×k row-major) or Aᵀ (A stored k×m) when transA
//   op(B) = B (k×n row-major) or Bᵀ (B stored n×k) when transB
//
// Goto/BLIS structure: B is packed into KC×NR column panels, A into MR×KC row
// panels; the transposes are absorbed by the packing routines so the micro
// kernel always sees the same layout (no penalty for transposed operands).
// The micro kernel keeps an MR×(2 vectors) block of C in 12 v128 registers.
//
// Memory: all pointers are byte offsets chosen by the JS host. The host lays
// out A, B, C and a workspace of `gemmWorkBytes(...)` bytes above heapBase().
// When compiled with relaxed-simd enabled, the kernel uses relaxed_madd (FMA). When compiled with
// threads (shared memory), large products are split with a helper thread: see threads.ts.
import { gemmBatchShared, gemmShared } from "./threads";

// Rows per micro tile. 12 accumulators fit V8's 15 allocatable xmm registers
// only with FMA (no temporary for the product); with mul+add use 5 rows.
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
// One packed B row is two v128 vectors: NR = 32 / sizeof<T>() (8 for f32, 4 for f64).
const PANEL_BYTES: i32 = 32;

let MC: i32 = MR * 12; // rows of A per block (multiple of MR); A block = MC×KC ≈ 60–72 KB f32
let KC: i32 = 256; // depth per block
let NC: i32 = 2048; // columns of B per block (multiple of 8)

// Scratch tile for partial (edge) micro tiles: MR rows × 32 bytes at the end of the caller's
// workspace. A global, not static data, so each thread (instance) uses its own workspace's tile and
// the module has no data segment a second instance on the shared memory would re-initialize.
const TILE_BYTES: i32 = MR * PANEL_BYTES;
let TILE: usize = 0;

export function heapBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

/** Tune cache blocking (for benchmarks). Values are rounded to legal multiples. */
export function setBlocking(mc: i32, kc: i32, nc: i32): void {
  MC = max(MR, (mc / MR) * MR);
  KC = max(1, kc);
  NC = max(8, (nc / 8) * 8);
}

export function blockMC(): i32 {
  return MC;
}
export function blockKC(): i32 {
  return KC;
}
export function blockNC(): i32 {
  return NC;
}

@inline
function roundUp(x: i32, q: i32): i32 {
  return ((x + q - 1) / q) * q;
}

/** Workspace bytes needed by sgemm/dgemm for these sizes (elemBytes 4 or 8). */
export function gemmWorkBytes(m: i32, k: i32, n: i32, elemBytes: i32): i32 {
  const nr = PANEL_BYTES / elemBytes;
  const mc = roundUp(min(MC, m), MR);
  const kc = min(KC, k);
  const nc = roundUp(min(NC, n), nr);
  return (mc * kc + kc * nc) * elemBytes + TILE_BYTES + 64;
}

// ---------------------------------------------------------------------------
// Packing

// Pack op(A)[ic:ic+mc, pc:pc+kc] into MR-row panels: panel q, depth p, row r at
// dst[(q*kc + p)*MR + r]. Rows beyond mc are zero.
@inline
function packA<T>(
  a: usize, transA: bool, m: i32, k: i32, ic: i32, pc: i32, mc: i32, kc: i32, dst: usize,
): void {
  const es = sizeof<T>();
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const panel = dst + <usize>(ir * kc) * es;
    if (!transA && sizeof<T>() == 4 && mr == MR) {
      packRowsF32(a + (<usize>(ic + ir) * <usize>k + <usize>pc) * 4, <usize>k * 4, kc, panel);
    } else if (!transA) {
      // A is m×k row-major: row i = ic+ir+r, contiguous along p.
      for (let r = 0; r < MR; r++) {
        let d = panel + <usize>r * es;
        if (r < mr) {
          let s = a + (<usize>(ic + ir + r) * <usize>k + <usize>pc) * es;
          for (let p = 0; p < kc; p++) {
            store<T>(d, load<T>(s));
            s += es;
            d += <usize>MR * es;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<T>(d, <T>0);
            d += <usize>MR * es;
          }
        }
      }
    } else {
      // A stored k×m: op(A)[i][p] = A[p*m + i]; the MR rows are contiguous.
      let d = panel;
      let s = a + (<usize>pc * <usize>m + <usize>(ic + ir)) * es;
      const rowStride = <usize>m * es;
      if (mr == MR) {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++) store<T>(d + <usize>r * es, load<T>(s + <usize>r * es));
          s += rowStride;
          d += <usize>MR * es;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++) {
            store<T>(d + <usize>r * es, r < mr ? load<T>(s + <usize>r * es) : <T>0);
          }
          s += rowStride;
          d += <usize>MR * es;
        }
      }
    }
  }
}

// Pack op(B)[pc:pc+kc, jc:jc+nc] into NR-column panels: panel q, depth p, col j
// at dst[(q*kc + p)*NR + j]. Columns beyond nc are zero.
@inline
function packB<T>(
  b: usize, transB: bool, k: i32, n: i32, pc: i32, jc: i32, kc: i32, nc: i32, dst: usize,
): void {
  const es = sizeof<T>();
  const NR = PANEL_BYTES / <i32>es;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const panel = dst + <usize>(jr * kc) * es;
    if (!transB) {
      // B is k×n row-major: NR columns contiguous in row p.
      let s = b + (<usize>pc * <usize>n + <usize>(jc + jr)) * es;
      let d = panel;
      const rowStride = <usize>n * es;
      if (nr == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
          s += rowStride;
          d += PANEL_BYTES;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let j = 0; j < NR; j++) {
            store<T>(d + <usize>j * es, j < nr ? load<T>(s + <usize>j * es) : <T>0);
          }
          s += rowStride;
          d += PANEL_BYTES;
        }
      }
    } else if (sizeof<T>() == 4 && nr == NR) {
      // B stored n×k (x·Wᵀ, every nn.Linear forward): 4×4 transposes instead of scalar copies
      packTransposedF32(b + (<usize>(jc + jr) * <usize>k + <usize>pc) * 4, <usize>k * 4, kc, panel);
    } else {
      // B stored n×k: op(B)[p][j] = B[j*k + p]; column j is contiguous along p.
      for (let j = 0; j < NR; j++) {
        let d = panel + <usize>j * es;
        if (j < nr) {
          let s = b + (<usize>(jc + jr + j) * <usize>k + <usize>pc) * es;
          for (let p = 0; p < kc; p++) {
            store<T>(d, load<T>(s));
            s += es;
            d += PANEL_BYTES;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<T>(d, <T>0);
            d += PANEL_BYTES;
          }
        }
      }
    }
  }
}

/**
 * Rows j..j+3 of a row-major f32 matrix (`s` = row j at depth p, rows `ld` bytes apart), 4 depths,
 * stored transposed: depth p+q's four values at d + q·dst bytes (unaligned stores are fine in wasm).
 */
@inline
function transpose4x4F32(s: usize, ld: usize, d: usize, dst: usize): void {
  const r0 = v128.load(s), r1 = v128.load(s + ld), r2 = v128.load(s + 2 * ld), r3 = v128.load(s + 3 * ld);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5); // a0 b0 a1 b1
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5); // c0 d0 c1 d1
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7); // a2 b2 a3 b3
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7); // c2 d2 c3 d3
  v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(d + dst, i64x2.shuffle(t0, t1, 1, 3));
  v128.store(d + 2 * dst, i64x2.shuffle(t2, t3, 0, 2));
  v128.store(d + 3 * dst, i64x2.shuffle(t2, t3, 1, 3));
}

/** A full f32 panel of MR rows of a row-major A (`s` = first row at depth pc, rows `ld` bytes apart):
 * rows 0–3 by 4×4 transposes, the rest (MR − 4 ≤ 2) element by element. */
@inline
function packRowsF32(s: usize, ld: usize, kc: i32, d: usize): void {
  const dst = <usize>MR * 4;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    // rows 4.. sit after the 16 bytes each depth's transposed store writes
    for (let r = 4; r < MR; r++) {
      const src = s + <usize>r * ld, dr = d + <usize>r * 4;
      store<f32>(dr, load<f32>(src));
      store<f32>(dr + dst, load<f32>(src, 4));
      store<f32>(dr + 2 * dst, load<f32>(src, 8));
      store<f32>(dr + 3 * dst, load<f32>(src, 12));
    }
    transpose4x4F32(s, ld, d, dst);
    s += 16;
    d += 4 * dst;
  }
  for (; p < kc; p++) {
    for (let r = 0; r < MR; r++) store<f32>(d + <usize>r * 4, load<f32>(s + <usize>r * ld));
    s += 4;
    d += dst;
  }
}

/** One full f32 panel of op(B) = Bᵀ: the 8 rows of B from `s` (rows `ld` bytes apart), kc depths. */
@inline
function packTransposedF32(s: usize, ld: usize, kc: i32, d: usize): void {
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    transpose4x4F32(s, ld, d, PANEL_BYTES);
    transpose4x4F32(s + 4 * ld, ld, d + 16, PANEL_BYTES);
    s += 16;
    d += 4 * PANEL_BYTES;
  }
  for (; p < kc; p++) {
    for (let j = 0; j < 8; j++) store<f32>(d + <usize>j * 4, load<f32>(s + <usize>j * ld));
    s += 4;
    d += PANEL_BYTES;
  }
}

// ---------------------------------------------------------------------------
// Micro kernel: C[mr×nr] (=|+=) Apanel[MR×kc] · Bpanel[kc×NR], the B panel's rows `ldb` bytes apart
// (PANEL_BYTES when packed; a row-major B's row stride when read where it is)

@inline
function fma<T>(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return v128.relaxed_madd<T>(a, b, acc);
  } else {
    return v128.add<T>(acc, v128.mul<T>(a, b));
  }
}

@inline
function storeRow<T>(c: usize, v0: v128, v1: v128, add: bool): void {
  if (add) {
    v128.store(c, v128.add<T>(v128.load(c), v0));
    v128.store(c, v128.add<T>(v128.load(c, 16), v1), 16);
  } else {
    v128.store(c, v0);
    v128.store(c, v1, 16);
  }
}

@inline
function kernel<T>(
  kc: i32, pa: usize, pb: usize, ldb: usize, c: usize, ldc: usize, mr: i32, nr: i32, add: bool,
): void {
  const es = sizeof<T>();
  const z = v128.splat<T>(<T>0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
  let c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
  // Not unrolled on purpose: unrolling lets binaryen interleave the two steps,
  // which raises register pressure and makes V8 spill accumulators.
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load_splat<T>(pa);
    c00 = fma<T>(c00, a, b0); c01 = fma<T>(c01, a, b1);
    a = v128.load_splat<T>(pa, es);
    c10 = fma<T>(c10, a, b0); c11 = fma<T>(c11, a, b1);
    a = v128.load_splat<T>(pa, 2 * es);
    c20 = fma<T>(c20, a, b0); c21 = fma<T>(c21, a, b1);
    a = v128.load_splat<T>(pa, 3 * es);
    c30 = fma<T>(c30, a, b0); c31 = fma<T>(c31, a, b1);
    if (MR > 4) {
      a = v128.load_splat<T>(pa, 4 * es);
      c40 = fma<T>(c40, a, b0); c41 = fma<T>(c41, a, b1);
    }
    if (MR > 5) {
      a = v128.load_splat<T>(pa, 5 * es);
      c50 = fma<T>(c50, a, b0); c51 = fma<T>(c51, a, b1);
    }
    pa += <usize>MR * es;
    pb += ldb;
  }
  const NR = PANEL_BYTES / <i32>es;
  if (mr == MR && nr == NR) {
    storeRow<T>(c, c00, c01, add);
    storeRow<T>(c + ldc, c10, c11, add);
    storeRow<T>(c + 2 * ldc, c20, c21, add);
    storeRow<T>(c + 3 * ldc, c30, c31, add);
    if (MR > 4) storeRow<T>(c + 4 * ldc, c40, c41, add);
    if (MR > 5) storeRow<T>(c + 5 * ldc, c50, c51, add);
  } else {
    storeRow<T>(TILE, c00, c01, false);
    storeRow<T>(TILE + 32, c10, c11, false);
    storeRow<T>(TILE + 64, c20, c21, false);
    storeRow<T>(TILE + 96, c30, c31, false);
    if (MR > 4) storeRow<T>(TILE + 128, c40, c41, false);
    if (MR > 5) storeRow<T>(TILE + 160, c50, c51, false);
    for (let r = 0; r < mr; r++) {
      const crow = c + <usize>r * ldc;
      const trow = TILE + <usize>r * PANEL_BYTES;
      for (let j = 0; j < nr; j++) {
        const cp = crow + <usize>j * es;
        const v = load<T>(trow + <usize>j * es);
        store<T>(cp, add ? load<T>(cp) + v : v);
      }
    }
  }
}

/** The micro kernel for an edge tile of at most 4 rows (m = 64 leaves 4 rows with MR = 5 or 6: the full
 * kernel computed 6 rows for them, the padding's zeros included). The panel keeps its MR-row layout. */
@inline
function kernel4<T>(
  kc: i32, pa: usize, pb: usize, ldb: usize, c: usize, ldc: usize, mr: i32, nr: i32, add: bool,
): void {
  const es = sizeof<T>();
  const z = v128.splat<T>(<T>0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load_splat<T>(pa);
    c00 = fma<T>(c00, a, b0); c01 = fma<T>(c01, a, b1);
    a = v128.load_splat<T>(pa, es);
    c10 = fma<T>(c10, a, b0); c11 = fma<T>(c11, a, b1);
    a = v128.load_splat<T>(pa, 2 * es);
    c20 = fma<T>(c20, a, b0); c21 = fma<T>(c21, a, b1);
    a = v128.load_splat<T>(pa, 3 * es);
    c30 = fma<T>(c30, a, b0); c31 = fma<T>(c31, a, b1);
    pa += <usize>MR * es;
    pb += ldb;
  }
  const NR = PANEL_BYTES / <i32>es;
  if (mr == 4 && nr == NR) {
    storeRow<T>(c, c00, c01, add);
    storeRow<T>(c + ldc, c10, c11, add);
    storeRow<T>(c + 2 * ldc, c20, c21, add);
    storeRow<T>(c + 3 * ldc, c30, c31, add);
  } else {
    storeRow<T>(TILE, c00, c01, false);
    storeRow<T>(TILE + 32, c10, c11, false);
    storeRow<T>(TILE + 64, c20, c21, false);
    storeRow<T>(TILE + 96, c30, c31, false);
    for (let r = 0; r < mr; r++) {
      const crow = c + <usize>r * ldc;
      const trow = TILE + <usize>r * PANEL_BYTES;
      for (let j = 0; j < nr; j++) {
        const cp = crow + <usize>j * es;
        const v = load<T>(trow + <usize>j * es);
        store<T>(cp, add ? load<T>(cp) + v : v);
      }
    }
  }
}

export function microKernel4F32(
  kc: i32, pa: usize, pb: usize, ldb: usize, c: usize, ldc: usize, mr: i32, nr: i32, add: bool,
): void {
  kernel4<f32>(kc, pa, pb, ldb, c, ldc, mr, nr, add);
}
export function microKernel4F64(
  kc: i32, pa: usize, pb: usize, ldb: usize, c: usize, ldc: usize, mr: i32, nr: i32, add: bool,
): void {
  kernel4<f64>(kc, pa, pb, ldb, c, ldc, mr, nr, add);
}

// The micro kernels are exported only so that binaryen does not inline them
// into the driver: inlined, V8's register allocator spills the accumulators
// (measured: ~28 vs ~50 GFLOP/s). They are not meant to be called by the host.
export function microKernelF32(
  kc: i32, pa: usize, pb: usize, ldb: usize, c: usize, ldc: usize, mr: i32, nr: i32, add: bool,
): void {
  kernel<f32>(kc, pa, pb, ldb, c, ldc, mr, nr, add);
}
export function microKernelF64(
  kc: i32, pa: usize, pb: usize, ldb: usize, c: usize, ldc: usize, mr: i32, nr: i32, add: bool,
): void {
  kernel<f64>(kc, pa, pb, ldb, c, ldc, mr, nr, add);
}

@inline
function microKernel<T>(
  kc: i32, pa: usize, pb: usize, ldb: usize, c: usize, ldc: usize, mr: i32, nr: i32, add: bool,
): void {
  if (mr <= 4) {
    if (sizeof<T>() == 4) microKernel4F32(kc, pa, pb, ldb, c, ldc, mr, nr, add);
    else microKernel4F64(kc, pa, pb, ldb, c, ldc, mr, nr, add);
  } else if (sizeof<T>() == 4) microKernelF32(kc, pa, pb, ldb, c, ldc, mr, nr, add);
  else microKernelF64(kc, pa, pb, ldb, c, ldc, mr, nr, add);
}

// ---------------------------------------------------------------------------
// Driver

/**
 * All of op(A) (packedA: MR-row panels, depth block by depth block) or op(B) (packedB: NR-column
 * panels), packed once as gemmRange packs each of its blocks, at dst; its bytes: packedBytes. The two
 * threads' panels of one product share it instead of packing the same operand again (threads.ts).
 */
@inline
export function packedBytes(rows: i32, k: i32, elemBytes: i32, isA: bool): f64 {
  return <f64>roundUp(rows, isA ? MR : PANEL_BYTES / elemBytes) * <f64>k * <f64>elemBytes;
}
/** Rows of a micro tile (row panels of a product are multiples of it). */
@inline
export function microRows(): i32 {
  return MR;
}
@inline
export function packAllA<T>(a: usize, transA: bool, m: i32, k: i32, dst: usize): void {
  const mR = roundUp(m, MR);
  for (let pc = 0; pc < k; pc += KC) packA<T>(a, transA, m, k, 0, pc, m, min(KC, k - pc), dst + <usize>(pc * mR) * sizeof<T>());
}
@inline
export function packAllB<T>(b: usize, transB: bool, k: i32, n: i32, dst: usize): void {
  const nR = roundUp(n, PANEL_BYTES / <i32>sizeof<T>());
  for (let pc = 0; pc < k; pc += KC) packB<T>(b, transB, k, n, pc, 0, min(KC, k - pc), n, dst + <usize>(pc * nR) * sizeof<T>());
}

/**
 * Block [i0:i1, j0:j1] of the product, written (or added) at `out` = that block's first element,
 * rows `ldo` elements apart (C itself: out = &C[i0][j0], ldo = n; or a thread's private copy).
 * packedA / packedB: the operand already packed whole (packAllA/B), or 0 to pack block by block.
 */
@inline
export function gemmRange<T>(
  a: usize, b: usize, out: usize, ldo: i32, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool, work: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, packedA: usize = 0, packedB: usize = 0,
): void {
  const es = sizeof<T>();
  const NR = PANEL_BYTES / <i32>es;
  const ldc = <usize>ldo * es;
  const mcMax = roundUp(min(MC, m), MR);
  const kcMax = min(KC, k);
  const ncMax = roundUp(min(NC, n), NR);
  const pA = (work + 15) & ~(15 as usize);
  const pB = pA + <usize>(mcMax * kcMax) * es;
  TILE = pB + <usize>(kcMax * ncMax) * es;
  // A row-major B used by one row tile (the bias gradient's column sums, a vector times a matrix) is
  // read where it is: packed, each of its elements would be copied once to be read once more (25–40%
  // of such products). Not for more rows: those re-read each panel, and rows of B 4 KiB apart (n =
  // 1024, convolutions) share L1 sets, 12–17% slower read in place. Only a last, partial panel is
  // packed (a direct read would take columns beyond n).
  const direct = packedB == 0 && !transB && i1 - i0 <= MR; // a B packed whole is read packed
  const rowBytes = <usize>n * es;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    const fullPanels = direct ? nc - nc % NR : 0;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const add = accumulate || pc > 0;
      let bBlock = pB;
      if (packedB != 0) bBlock = packedB + <usize>(pc * roundUp(n, NR) + jc * kc) * es;
      else if (fullPanels < nc) packB<T>(b, transB, k, n, pc, jc + fullPanels, kc, nc - fullPanels, pB);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        let aBlock = pA;
        if (packedA != 0) aBlock = packedA + <usize>(pc * roundUp(m, MR) + ic * kc) * es;
        else packA<T>(a, transA, m, k, ic, pc, mc, kc, pA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const inPlace = jr < fullPanels;
          const pb = inPlace ? b + <usize>pc * rowBytes + <usize>(jc + jr) * es : bBlock + <usize>((jr - fullPanels) * kc) * es;
          const ldb = inPlace ? rowBytes : <usize>PANEL_BYTES;
          const cBase = out + <usize>(ic - i0) * ldc + <usize>(jc + jr - j0) * es;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            microKernel<T>(
              kc, aBlock + <usize>(ir * kc) * es, pb, ldb, cBase + <usize>ir * ldc, ldc, mr, nr, add,
            );
          }
        }
      }
    }
  }
}

@inline
function gemm<T>(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool, work: usize,
): void {
  if (k <= 0) {
    if (!accumulate) memory.fill(c, 0, <usize>m * <usize>n * sizeof<T>());
    return;
  }
  if (ASC_FEATURE_THREADS) {
    if (gemmShared<T>(a, b, c, m, k, n, transA, transB, accumulate, work)) return;
  }
  gemmRange<T>(a, b, c, n, m, k, n, transA, transB, accumulate, work, 0, m, 0, n);
}

/** f32 GEMM. Pointers are byte offsets into this module's memory. */
export function sgemm(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool, work: usize,
): void {
  gemm<f32>(a, b, c, m, k, n, transA, transB, accumulate, work);
}

/** f64 GEMM. Pointers are byte offsets into this module's memory. */
export function dgemm(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool, work: usize,
): void {
  gemm<f64>(a, b, c, m, k, n, transA, transB, accumulate, work);
}

/**
 * A batch of products in one call (small batched matmuls, e.g. attention's per-head products, spent
 * more in per-call overhead than in the products): C_t (=|+=) op(A_t)·op(B_t) with A_t = a + t·strideA
 * elements (likewise B, C); strideA or strideB 0 broadcasts one matrix.
 */
@inline
function gemmBatch<T>(
  a: usize, b: usize, c: usize, batch: i32, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool, strideA: i32, strideB: i32, strideC: i32, work: usize,
): void {
  const es = sizeof<T>();
  for (let t = 0; t < batch; t++) {
    gemm<T>(
      a + <usize>t * <usize>strideA * es, b + <usize>t * <usize>strideB * es, c + <usize>t * <usize>strideC * es,
      m, k, n, transA, transB, accumulate, work,
    );
  }
}

export function sgemmBatch(
  a: usize, b: usize, c: usize, batch: i32, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool, strideA: i32, strideB: i32, strideC: i32, work: usize,
): void {
  gemmBatch<f32>(a, b, c, batch, m, k, n, transA, transB, accumulate, strideA, strideB, strideC, work);
}

/**
 * sgemmBatch, the products shared between the threads (one per panel) when there is a helper and the
 * batch is large enough together (Winograd's 16 products).
 */
export function sgemmBatchSplit(
  a: usize, b: usize, c: usize, batch: i32, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool, strideA: i32, strideB: i32, strideC: i32, work: usize,
): void {
  if (ASC_FEATURE_THREADS) {
    if (k > 0 && gemmBatchShared<f32>(a, b, c, batch, m, k, n, transA, transB, accumulate, strideA, strideB, strideC, work)) return;
  }
  gemmBatch<f32>(a, b, c, batch, m, k, n, transA, transB, accumulate, strideA, strideB, strideC, work);
}

export function dgemmBatch(
  a: usize, b: usize, c: usize, batch: i32, m: i32, k: i32, n: i32,
  transA: bool, transB: bool, accumulate: bool, strideA: i32, strideB: i32, strideC: i32, work: usize,
): void {
  gemmBatch<f64>(a, b, c, batch, m, k, n, transA, transB, accumulate, strideA, strideB, strideC, work);
}
