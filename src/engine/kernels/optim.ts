/**
 * Optimizer updates dispatched to the wasm f32x4 kernels (wasm/assembly/optim.ts) for float32
 * parameters, and to the loops of ./optimRef otherwise (float64, the JS kernel set, no wasm).
 * The arrays are copied into wasm memory and back: three to nine memcpy-speed copies cost less than
 * a scalar JavaScript loop that converts every element to float64 and back (measured on the MLP
 * step's SGD update: ~1.5 ms in JS, ~0.3 ms here). They go chunk by chunk, so what a copy brings in
 * is still in the cache when the kernel and the copy back read it (a weight-sized region each was
 * written out to memory and read back three times).
 */
import type { FloatArray } from "./matmulRef";
import { getWasmMinWork, wasmScratch } from "./matmul";
import { adamRef, rmspropRef, sgdRef, type AdamHyper, type RmspropHyper, type SgdHyper } from "./optimRef";

export type { AdamHyper, RmspropHyper, SgdHyper } from "./optimRef";

/** Below this many elements the copies' fixed cost outweighs the vector loop. With the matmul
 * threshold at 0 (the test setup's "everything in wasm") every update runs in wasm too. */
const WASM_MIN_ELEMENTS = 64;
const minElements = (): number => (getWasmMinWork() === 0 ? 1 : WASM_MIN_ELEMENTS);

const f32 = (a: FloatArray | null): boolean => a === null || a instanceof Float32Array;

/** Elements per kernel call: a few regions of this many floats stay in the L2 cache. */
const CHUNK = 8192;

/** Bytes of one region (a chunk at most): whole vectors of 4 floats, so the kernels need no tail loop. */
const regionBytes = (n: number): number => ((Math.min(n, CHUNK) + 3) >> 2) << 4;

/** A view of the wasm memory with `regions` regions of n floats, or null (use the JS loop). */
function scratch(n: number, regions: number, arrays: Array<FloatArray | null>) {
  if (n < minElements() || !arrays.every(f32)) return null;
  return wasmScratch(regions * regionBytes(n));
}

function copyIn(view: Float32Array, ptr: number, src: FloatArray, off: number, n: number): void {
  view.set(off === 0 && src.length === n ? src : src.subarray(off, off + n), ptr >> 2);
}

function copyOut(view: Float32Array, ptr: number, dst: FloatArray, off: number, n: number): void {
  dst.set(view.subarray(ptr >> 2, (ptr >> 2) + n), off);
}

const flag = (b: boolean): number => (b ? 1 : 0);

/** d[o..o+n) −= lr·step (torch.optim.SGD); `b` is the momentum buffer (null without momentum). */
export function sgdUpdate(d: FloatArray, o: number, g: FloatArray, b: FloatArray | null, n: number, h: SgdHyper): void {
  const s = scratch(n, 3, [d, g, h.momentum !== 0 ? b : null]);
  if (s === null) return sgdRef(d, o, g, b, n, h);
  sgdInWasm(s, d, o, g, b, n, h);
}

function sgdInWasm(s: NonNullable<ReturnType<typeof scratch>>, d: FloatArray, o: number, g: FloatArray, b: FloatArray | null, n: number, h: SgdHyper): void {
  const useBuf = h.momentum !== 0;
  const r = regionBytes(n);
  const p = s.base, gp = p + r, bp = gp + r;
  for (let i = 0; i < n; i += CHUNK) {
    const len = Math.min(CHUNK, n - i);
    copyIn(s.f32, p, d, o + i, len);
    copyIn(s.f32, gp, g, i, len);
    if (useBuf && !h.first) copyIn(s.f32, bp, b!, i, len);
    s.ex.sgdF32(p, gp, bp, len, h.lr, h.weightDecay, h.momentum, 1 - h.dampening, flag(h.nesterov), flag(h.maximize), flag(h.first));
    copyOut(s.f32, p, d, o + i, len);
    if (useBuf) copyOut(s.f32, bp, b!, i, len);
  }
}

const ADD: SgdHyper = { lr: -1, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, maximize: false, first: false };

/**
 * d[o..o+n) += s[0..n) (a gradient accumulated into a leaf's `.grad`): the SGD kernel with lr = −1
 * computes d − (−1)·s, which is exactly the float32 sum d + s (negation and the product by −1 are
 * exact). Float32 only; false when the caller must add in its own loop.
 */
export function addInto(d: FloatArray, o: number, s: FloatArray, n: number): boolean {
  const sc = scratch(n, 3, [d, s]); // null for float64 or a short array
  if (sc === null) return false;
  sgdInWasm(sc, d, o, s, null, n, ADD);
  return true;
}

/** torch.optim.Adam / AdamW on d[o..o+n) with moments m, v (and vmax with amsgrad). */
export function adamUpdate(
  d: FloatArray, o: number, g: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, n: number, h: AdamHyper,
): void {
  const s = scratch(n, 5, [d, g, m, v, vmax]);
  if (s === null) return adamRef(d, o, g, m, v, vmax, n, h);
  const r = regionBytes(n);
  const p = s.base, gp = p + r, mp = gp + r, vp = mp + r, xp = vp + r;
  for (let i = 0; i < n; i += CHUNK) {
    const len = Math.min(CHUNK, n - i);
    copyIn(s.f32, p, d, o + i, len);
    copyIn(s.f32, gp, g, i, len);
    copyIn(s.f32, mp, m, i, len);
    copyIn(s.f32, vp, v, i, len);
    if (vmax !== null) copyIn(s.f32, xp, vmax, i, len);
    s.ex.adamF32(
      p, gp, mp, vp, xp, len, 1 - h.lr * h.weightDecay, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, h.weightDecay, h.stepSize, h.bc2Sqrt,
      flag(h.decoupled), flag(vmax !== null), flag(h.maximize),
    );
    copyOut(s.f32, p, d, o + i, len);
    copyOut(s.f32, mp, m, i, len);
    copyOut(s.f32, vp, v, i, len);
    if (vmax !== null) copyOut(s.f32, xp, vmax, i, len);
  }
}

/** torch.optim.RMSprop on d[o..o+n) with square average sq (momentum buffer, centered grad average). */
export function rmspropUpdate(
  d: FloatArray, o: number, g: FloatArray, sq: FloatArray, buf: FloatArray | null, ga: FloatArray | null, n: number, h: RmspropHyper,
): void {
  const s = scratch(n, 5, [d, g, sq, buf, ga]);
  if (s === null) return rmspropRef(d, o, g, sq, buf, ga, n, h);
  const r = regionBytes(n);
  const p = s.base, gp = p + r, sp = gp + r, bp = sp + r, ap = bp + r;
  for (let i = 0; i < n; i += CHUNK) {
    const len = Math.min(CHUNK, n - i);
    copyIn(s.f32, p, d, o + i, len);
    copyIn(s.f32, gp, g, i, len);
    copyIn(s.f32, sp, sq, i, len);
    if (buf !== null) copyIn(s.f32, bp, buf, i, len);
    if (ga !== null) copyIn(s.f32, ap, ga, i, len);
    // the kernel takes momentum > 0 as "has a buffer"
    s.ex.rmspropF32(
      p, gp, sp, bp, ap, len, h.lr, h.alpha, 1 - h.alpha, h.eps, h.weightDecay, buf !== null ? h.momentum : 0,
      flag(ga !== null), flag(h.maximize),
    );
    copyOut(s.f32, p, d, o + i, len);
    copyOut(s.f32, sp, sq, i, len);
    if (buf !== null) copyOut(s.f32, bp, buf, i, len);
    if (ga !== null) copyOut(s.f32, ap, ga, i, len);
  }
}
