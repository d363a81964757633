/**
 * Runs an elementwise float32 wasm kernel over arrays of any length: the operands are copied into the
 * kernels' scratch memory and the result out, chunk by chunk (the scratch stays small). Shared by the
 * GELU and ReLU kernels (gelu.ts, relu.ts).
 */
import type { GemmExports } from "./wasm/loader";
import { getWasmMinWork, wasmScratch } from "./matmul";

/**
 * Elements per wasm call. V8 runs a wasm function in its baseline tier until the function has used
 * its tiering budget, and only later calls get the optimized code: one call over a whole activation
 * would run baseline code throughout (a transformer calls GELU only a few times per step).
 */
const CHUNK = 8192;

/** Bytes of one region for n elements: at most a chunk, in whole vectors (the kernels have no tail loop). */
const regionBytes = (n: number): number => ((Math.min(n, CHUNK) + 3) >> 2) << 4;

/** null: use the JavaScript loop (the JS kernel set, arrays shorter than `minElements`, no wasm);
 * all in wasm when the matmul threshold is 0, as in the tests */
function scratch(n: number, regions: number, minElements: number) {
  if (n < (getWasmMinWork() === 0 ? 1 : minElements)) return null;
  return wasmScratch(regions * regionBytes(n));
}

/** out = kernel(x) in wasm; false (nothing written) when the caller's JavaScript loop should run. */
export function mapF32(
  x: Float32Array, out: Float32Array, minElements: number,
  kernel: (ex: GemmExports, xp: number, op: number, n: number) => void,
): boolean {
  const n = out.length;
  const s = scratch(n, 2, minElements);
  if (s === null) return false;
  const xp = s.base, op = xp + regionBytes(n);
  for (let i = 0; i < n; i += CHUNK) {
    const len = Math.min(CHUNK, n - i);
    s.f32.set(x.subarray(i, i + len), xp >> 2);
    kernel(s.ex, xp, op, len);
    out.set(s.f32.subarray(op >> 2, (op >> 2) + len), i);
  }
  return true;
}

/** out = kernel(a, b) in wasm; false (nothing written) when the caller's JavaScript loop should run. */
export function map2F32(
  a: Float32Array, b: Float32Array, out: Float32Array, minElements: number,
  kernel: (ex: GemmExports, ap: number, bp: number, op: number, n: number) => void,
): boolean {
  const n = out.length;
  const s = scratch(n, 3, minElements);
  if (s === null) return false;
  const r = regionBytes(n);
  const ap = s.base, bp = ap + r, op = bp + r;
  for (let i = 0; i < n; i += CHUNK) {
    const len = Math.min(CHUNK, n - i);
    s.f32.set(a.subarray(i, i + len), ap >> 2);
    s.f32.set(b.subarray(i, i + len), bp >> 2);
    kernel(s.ex, ap, bp, op, len);
    out.set(s.f32.subarray(op >> 2, (op >> 2) + len), i);
  }
  return true;
}
