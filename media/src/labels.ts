// Words of the graph panel's toolbar and notes, from a Report: the per-backward selector's options,
// the loss a backward() was called on (read from the call's source line by the extension host),
// and the neutral note on where the run stopped. Pure: no DOM, no vscode (the host imports it too).

import type { BackwardReport, Report } from "../../src/protocol/report";

/**
 * The expression `.backward(` is called on at a backward's site: `lossD.backward()` → "lossD",
 * `self.loss_d.backward()` → "self.loss_d", `losses["g"].backward()` → `losses["g"]`; also
 * `torch.autograd.backward(loss)` → "loss". null when the call is on a larger expression
 * (`(a + b).backward()`) or the line does not hold the call.
 */
export function lossNameAt(lineText: string, column: number): string | null {
  const calls: Array<{ name: string; from: number; to: number }> = [];
  const RECEIVER = /([A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*|\[[^\]\n]{1,40}\])*)\s*\??\.\s*backward\s*\(/g;
  const FUNCTION = /(?:torch\.)?autograd\.backward\(\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*[,)]/g;
  for (const re of [FUNCTION, RECEIVER])
    for (const m of lineText.matchAll(re)) {
      // `(a + b).backward()`: the receiver is a larger expression, not a name
      const before = lineText.slice(0, m.index).trimEnd();
      if (re === RECEIVER && (before.endsWith(")") || m[1] === "autograd" || m[1].endsWith(".autograd"))) continue;
      calls.push({ name: m[1], from: m.index, to: m.index + m[0].length });
    }
  if (!calls.length) return null;
  // the site's column points into the call (the receiver or `.backward`, by language); else the first call
  const at = column - 1;
  return (calls.find((c) => at >= c.from && at <= c.to) ?? calls[0]).name;
}

/** "backward #2 · lossD (line 41) → 4 params"; without a name "backward #2 (line 41) → 4 params". */
export function backwardLabel(b: BackwardReport, name: string | null | undefined): string {
  const n = b.reached.length;
  return `backward #${b.index}${name ? ` · ${name}` : ""} (line ${b.line}) → ${n} param${n === 1 ? "" : "s"}`;
}

/**
 * The neutral note shown when the run ended by the check's own budget (that is how a check of a
 * training loop ends: not a problem), null otherwise. Errors, timeouts and memory limits are not
 * notes: they stay in the warning banner.
 */
export function stoppedNote(report: Report): string | null {
  const s = report.stopped;
  if (!s || report.error) return null;
  if (s.reason === "step-budget") {
    const steps = Math.max(0, ...(report.optimizers ?? []).map((o) => o.steps));
    return `Stopped after ${steps} training step${steps === 1 ? "" : "s"} (the check's step budget).`;
  }
  if (s.reason === "backward-budget") {
    const n = report.backwards?.length ?? 0;
    return `Stopped after ${n} backward() call${n === 1 ? "" : "s"} (the check's budget; the file has no optimizer).`;
  }
  return null;
}

/** Per backward index, the loss it was called on, read from the source lines (`lineOf` is 1-based; null when unknown). */
export function lossNamesOf(report: Report, lineOf: (file: string, line: number) => string | null): Array<string | null> {
  const names: Array<string | null> = [];
  for (const b of report.backwards ?? []) {
    const text = lineOf(b.file, b.line);
    names[b.index] = text === null ? null : lossNameAt(text, b.column);
  }
  return names;
}
