import type { Finding, ParameterReport, Report, RunError, SourceSite } from "../protocol/report";
import { backwardLines, cutLines, memoryLines } from "./flowSections";
import { oneLine, stripControl } from "./plainText";
import { formatLr } from "../protocol/formatLr";

// The human summary of a Report, in the manner of torchinfo: a per-parameter table, totals, what each
// backward() reached, the cut sites, memory, the findings with file:line, where the run stopped and
// the end of the file's console output. Pure: Report → string, free of terminal control sequences
// (names, messages and console lines come from the checked file).

const at = (s: SourceSite): string => `${oneLine(s.file)}:${s.line}`;
const CONSOLE_TAIL = 10;
const yesNo = (b: boolean): string => (b ? "yes" : "no");
// en-US grouping of an integer without toLocaleString: its first call loads ICU (~20 ms of a CLI run)
const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

function optimizerCell(p: ParameterReport): string {
  if (p.updatedByHand !== undefined && p.groups.length === 0) return `by hand at line ${p.updatedByHand.line}`;
  if (p.groups.length === 0) return p.optimizers.length === 0 ? "-" : oneLine(p.optimizers.join(", "));
  return p.groups.map((g) => `${oneLine(g.optimizer)}[${g.group}] lr=${formatLr(g.lr)}`).join(", ");
}

function causeCell(p: ParameterReport): string {
  if (p.updated) return "";
  if (p.cause === null) return p.status;
  return `${p.status}: ${p.cause.kind} at ${at(p.cause)}`;
}

function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  return [line(header), "─".repeat(total), ...rows.map(line), "═".repeat(total)];
}

function parameterTable(report: Report): string[] {
  const params = report.parameters;
  if (params.length === 0) return ["No trainable parameters or leaf tensors were traced."];
  const header = ["Parameter", "Shape", "Elements", "requiresGrad", "Gradient", "Optimizer", "Updated", "Cause"];
  const rows = params.map((p) => [
    oneLine(p.name),
    `[${p.shape.join(", ")}]`,
    thousands(p.numel),
    yesNo(p.requiresGrad),
    yesNo(p.gotGrad),
    optimizerCell(p),
    yesNo(p.updated),
    causeCell(p),
  ]);
  const lines = table(header, rows, new Set([2]));
  const sum = (ps: ParameterReport[]) => ps.reduce((a, p) => a + p.numel, 0);
  const updated = params.filter((p) => p.updated);
  const trainable = params.filter((p) => p.requiresGrad);
  // an EMA target is updated by hand without being trainable: Updated can exceed Trainable, so say why
  const byHand = updated.filter((p) => p.updatedByHand !== undefined);
  const handPart = byHand.length > 0 ? `, by hand ${thousands(sum(byHand))} (${byHand.length})` : "";
  lines.push(
    `Total elements: ${thousands(sum(params))} in ${params.length} tensors`,
    `Trainable: ${thousands(sum(trainable))} (${trainable.length})   Updated: ${thousands(sum(updated))} (${updated.length})${handPart}   Not updated: ${thousands(sum(params) - sum(updated))} (${params.length - updated.length})`,
  );
  return lines;
}

/** Inputs that require grad (an attack's image): listed apart, they are not trained. */
function inputLines(report: Report): string[] {
  const inputs = report.inputs ?? [];
  if (inputs.length === 0) return [];
  const lines = ["Inputs that require grad, not parameters (a new one each iteration, in no optimizer, updated by nothing):"];
  for (const i of inputs) {
    const where = i.site === null ? "" : `  made at ${at(i.site)}`;
    const times = i.count > 1 ? ` (${i.count} tensors)` : "";
    lines.push(`  ${oneLine(i.name)}  [${i.shape.join(", ")}]  gradient ${yesNo(i.gotGrad)}${times}${where}`);
  }
  return lines;
}

function findingLines(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return ["No findings."];
  const lines = [`Findings (${findings.length}):`];
  for (const f of findings) {
    lines.push(`  ${f.severity.padEnd(7)} ${f.code}  ${oneLine(f.file)}:${f.line}:${f.column}  ${oneLine(f.message)}`);
    for (const r of f.related) lines.push(`${" ".repeat(17)}↳ ${oneLine(r.file)}:${r.line}:${r.column}  ${oneLine(r.message)}`);
  }
  return lines;
}

function errorLines(error: RunError): string[] {
  const what: Record<RunError["kind"], string> = {
    syntax: "Syntax error",
    exception: "The file threw an exception",
    rejection: "The file left a promise rejection unhandled",
    timeout: "Time limit reached",
    memory: "Memory limit reached",
    "missing-import": "Import error",
    cancelled: "Cancelled",
  };
  const lines = [`${what[error.kind]} at ${oneLine(error.file)}:${error.line}:${error.column}`];
  for (const l of stripControl(error.message).split("\n")) lines.push(`  ${l}`);
  if (error.stack) {
    for (const l of error.stack.split("\n").slice(1)) lines.push(`  ${oneLine(l.trim())}`);
  }
  return lines;
}

function stoppedLine(report: Report): string {
  const s = report.stopped;
  const where = s.file !== undefined && s.line !== undefined ? ` (${oneLine(s.file)}:${s.line})` : "";
  return `Stopped: ${oneLine(s.message).replace(/\.$/, "")}${where}. ${report.backwards.length} backward, ${report.optimizers.reduce((a, o) => a + o.steps, 0)} optimizer steps traced in ${report.durationMs} ms.`;
}

function consoleLines(lines: readonly string[]): string[] {
  if (lines.length === 0) return [];
  const shown = lines.slice(-CONSOLE_TAIL);
  const head = lines.length > shown.length ? `Console output (last ${shown.length} of ${lines.length} lines; --json has all):` : "Console output:";
  return ["", head, ...shown.map((l) => `  ${oneLine(l)}`)];
}

export function formatText(report: Report): string {
  const out: string[] = [`GradLens check: ${oneLine(report.file)}`, ""];
  if (report.error !== null) out.push(...errorLines(report.error), "");
  out.push(...parameterTable(report), "");
  const inputs = inputLines(report);
  if (inputs.length > 0) out.push(...inputs, "");
  out.push(...backwardLines(report), "");
  out.push(...cutLines(report), "");
  out.push(...memoryLines(report.memory), "");
  out.push(...findingLines(report.findings), "");
  const silenced = report.suppressed ?? [];
  if (silenced.length > 0) {
    out.push(`Suppressed (${silenced.length}): ${silenced.map((f) => `${f.code} at ${f.file}:${f.line} (gradlens-ignore at line ${f.by.line})`).join(", ")}`, "");
  }
  const orphans = report.orphans ?? [];
  if (orphans.length > 0) {
    out.push(`Not listed: ${orphans.join(", ")} (no root module or optimizer holds ${orphans.length === 1 ? "it" : "them"}: a replaced or unregistered module)`, "");
  }
  out.push(stoppedLine(report));
  out.push(...consoleLines(report.console));
  // every piece above is already clean; this pass keeps a missed one from reaching the terminal
  return stripControl(out.join("\n")) + "\n";
}
