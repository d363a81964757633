import type { Tensor } from "gradlens";

// Elementwise comparison within |a - e| <= atol + rtol·|e|, reporting the first index that differs.
// -0 and +0 compare equal; NaN matches NaN; infinities must match exactly.

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  /** prefix for the failure message (which case / which tensor) */
  label?: string;
}

type Values = ArrayLike<number> | Tensor | number;

function toArray(v: Values): ArrayLike<number> {
  if (typeof v === "number") return [v];
  if (typeof (v as Tensor).dataSync === "function") return (v as Tensor).dataSync();
  return v as ArrayLike<number>;
}

/** The first index where the arrays differ beyond tolerance, or -1; a length mismatch reports index -2. */
export function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): number {
  if (actual.length !== expected.length) return -2;
  for (let i = 0; i < actual.length; i++) {
    const a = Number(actual[i]), e = Number(expected[i]);
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) && Number.isNaN(a)) continue;
      return i;
    }
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a === e) continue;
      return i;
    }
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) return i;
  }
  return -1;
}

/** Throws with the first differing index and both values when `actual` is not close to `expected`. */
export function expectClose(actual: Values, expected: Values, options: CloseOptions = {}): void {
  const rtol = options.rtol ?? 1e-5, atol = options.atol ?? 1e-8;
  const a = toArray(actual), e = toArray(expected);
  const at = firstMismatch(a, e, rtol, atol);
  if (at === -1) return;
  const label = options.label ? `${options.label}: ` : "";
  if (at === -2) throw new Error(`${label}length ${a.length} != expected length ${e.length}`);
  throw new Error(
    `${label}first mismatch at index ${at}: got ${a[at]}, expected ${e[at]} ` +
      `(|diff| ${Math.abs(Number(a[at]) - Number(e[at]))} > atol ${atol} + rtol ${rtol}·|expected|)`,
  );
}
