// One way to show a learning rate in every view (CLI table, hover, graph panel): 0.1 * 0.1 is
// 0.010000000000000002 in floating point, which the user wrote as 0.01.

/**
 * The shortest decimal that rounds to the same 6 significant digits: 0.0001, 0.01, 2.5e-4 as
 * 0.00025; exponent notation below 1e-4, as Python prints floats but without the exponent's zero
 * padding (3e-5, not 3e-05).
 */
export function formatLr(lr: number): string {
  if (!Number.isFinite(lr)) return String(lr);
  if (lr === 0) return "0";
  const rounded = Number(lr.toPrecision(6));
  const exponent = Number(rounded.toExponential().split("e")[1]);
  if (exponent < -4 || exponent >= 16) return rounded.toExponential().replace("e+", "e");
  return String(rounded);
}
