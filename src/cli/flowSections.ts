import type { BackwardReport, CutReport, MemoryReport, Report } from "../protocol/report";
import { oneLine } from "./plainText";

// The text report's sections beyond the parameter table: what each backward() reached, by top-level
// module; what each cut site blocked; the memory held for backward and what freezing would save.

const site = (s: { file: string; line: number; column: number }): string => `${oneLine(s.file)}:${s.line}:${s.column}`;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** "G.fc1" → "G"; a free leaf (no module) is counted under its own name. */
const topLevel = (module: string | null, name: string): string => (module === null ? name : module.split(".")[0]);

function reachCell(b: BackwardReport, totals: Map<string, number>): string {
  const parts = Object.entries(b.byModule).map(([m, n]) => `${oneLine(m)} ${n}${totals.has(m) ? `/${totals.get(m)}` : ""}`);
  if (parts.length > 0) return parts.join(", ");
  // free leaf tensors only (no module): name them
  if (b.reached.length === 0) return "no parameter";
  const shown = b.reached.slice(0, 6).map(oneLine).join(", ");
  return b.reached.length > 6 ? `${shown} and ${b.reached.length - 6} more` : shown;
}

/** Calls from one line that reached the same modules are one row ("2 calls"): a training loop repeats them. */
export function backwardLines(report: Report): string[] {
  if (report.backwards.length === 0) return ["No backward() call ran."];
  const totals = new Map<string, number>();
  for (const p of report.parameters) {
    const top = topLevel(p.module, p.name);
    totals.set(top, (totals.get(top) ?? 0) + 1);
  }
  const rows = new Map<string, { where: string; reach: string; calls: number }>();
  for (const b of report.backwards) {
    const where = site(b);
    const reach = reachCell(b, totals);
    const key = `${where}\u0000${reach}`;
    const row = rows.get(key);
    if (row) row.calls++;
    else rows.set(key, { where, reach, calls: 1 });
  }
  const width = Math.max(...[...rows.values()].map((r) => r.where.length));
  const lines = [`Backward calls (${report.backwards.length}), parameters reached by module:`];
  for (const r of rows.values()) lines.push(`  ${r.where.padEnd(width)}  ${r.reach}${r.calls > 1 ? `   (${r.calls} calls)` : ""}`);
  return lines;
}

function cutLine(c: CutReport): string {
  const elsewhere = new Set(c.gotGradElsewhere);
  const stillCut = c.blocked.filter((p) => !elsewhere.has(p));
  const names = (ps: string[]) => ps.map(oneLine).join(", ");
  const what =
    c.blocked.length === 0
      ? "blocked no parameter's gradient"
      : stillCut.length === 0
        ? `blocked ${names(c.blocked)} — all got gradient another way`
        : elsewhere.size === 0
          ? `blocked ${names(c.blocked)}`
          : `blocked ${names(stillCut)}; ${names(c.gotGradElsewhere)} got gradient another way`;
  const region = c.endLine !== undefined && c.endLine !== c.line ? ` (to line ${c.endLine})` : "";
  return `  ${c.kind.padEnd(19)} ${site(c)}${region}  ${what}`;
}

export function cutLines(report: Report): string[] {
  if (report.cuts.length === 0) return ["No cut sites (detach, noGrad, requiresGrad = false) ran."];
  return [`Cut sites (${report.cuts.length}):`, ...report.cuts.map(cutLine)];
}

export function memoryLines(memory: MemoryReport): string[] {
  const activations = memory.activationBytes !== undefined ? ` (activations ${formatBytes(memory.activationBytes)})` : "";
  const lines = [`Memory saved for backward: ${formatBytes(memory.totalSavedBytes)}${activations}`];
  const list = (entries: Array<[string, number]>) => entries.map(([m, b]) => `${oneLine(m)} ${formatBytes(b)}`).join(", ");
  if (memory.byModule.length > 0) lines.push(`  by module: ${list(memory.byModule.map((m) => [m.module, m.savedBytes]))}`);
  if (memory.freezingSaves.length > 0) lines.push(`  freezing would save: ${list(memory.freezingSaves.map((m) => [m.module, m.bytes]))}`);
  return lines;
}
