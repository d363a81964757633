// Lines for the output channel: one block per run, with the model's console output.
import type { Report } from "../../protocol/report";
import { runErrorMessage, type RunContext } from "./diagnostics";
import { statusCounts } from "./statusBar";

export function formatRunLog(report: Report, startedAt: Date, context: RunContext = {}): string[] {
  const out = [`[${startedAt.toISOString()}] check ${report.file} — ${Math.round(report.durationMs)} ms`];
  if (report.console.length) {
    out.push("  console:");
    for (const line of report.console) for (const l of line.split("\n")) out.push(`  | ${l}`);
  }
  out.push(`  stopped: ${report.stopped.reason} — ${report.stopped.message}`);
  if (report.error && report.error.kind !== "cancelled") {
    out.push(`  ${runErrorMessage(report.error, context).replace(/\n/g, "\n  ")} (${report.error.file}:${report.error.line}:${report.error.column})`);
    if (report.error.stack) out.push(...report.error.stack.split("\n").map((l) => `    ${l}`));
  }
  const counts = statusCounts(report);
  out.push(`  ${report.parameters.length} parameters${counts ? `: ${counts}` : ", all updated"}; ${report.findings.length} findings`);
  for (const f of report.findings) out.push(`  ${f.severity} ${f.code} ${f.file}:${f.line}:${f.column} ${f.message}`);
  return out;
}
