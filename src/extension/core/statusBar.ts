// The status bar item: the last result at a glance ("GradLens: 2 cut · 1 not applied").
import type { ParamStatus, Report } from "../../protocol/report";
import { baseName } from "./files";
import { plural } from "./reportQueries";
import { runErrorMessage } from "./diagnostics";

export type CheckState =
  | { kind: "idle"; file?: string }
  | { kind: "running"; file: string }
  /** `file`: the checked file when it is not the report's own spelling of it; `via`: shown for a module file the report's training file imports */
  | { kind: "done"; report: Report; file?: string; via?: boolean }
  | { kind: "failed"; file: string; message: string }
  | { kind: "cancelled"; file: string };

export interface StatusSpec {
  text: string;
  tooltip: string;
  /** Highlight with the theme's error / warning status bar colours. */
  tone: "normal" | "warning" | "error";
  /** Clicking opens the last report (graph), when there is one. */
  opensReport: boolean;
}

const STATUS_WORD: Array<[ParamStatus, string]> = [
  ["cut", "cut"],
  ["grad-not-applied", "not applied"],
  ["unused", "unused"],
  ["frozen", "frozen"],
];

export function statusCounts(report: Report): string {
  const parts: string[] = [];
  for (const [status, word] of STATUS_WORD) {
    const n = report.parameters.filter((p) => p.status === status).length;
    if (n) parts.push(`${n} ${word}`);
  }
  return parts.join(" · ");
}

export function buildStatus(state: CheckState): StatusSpec {
  switch (state.kind) {
    case "idle":
      return { text: "$(pulse) GradLens", tooltip: "Run the gradient-flow check (GradLens: Run gradient-flow check)", tone: "normal", opensReport: false };
    case "running":
      return { text: "$(sync~spin) GradLens: checking…", tooltip: `Checking ${baseName(state.file)}`, tone: "normal", opensReport: false };
    case "cancelled":
      return { text: "$(circle-slash) GradLens: cancelled", tooltip: `The check of ${baseName(state.file)} was cancelled`, tone: "normal", opensReport: false };
    case "failed":
      return { text: "$(error) GradLens: run failed", tooltip: state.message, tone: "error", opensReport: false };
    case "done":
      return doneStatus(state.report, state.via === true);
  }
}

function doneStatus(report: Report, via: boolean): StatusSpec {
  const errors = report.findings.filter((f) => f.severity === "error").length;
  const warnings = report.findings.filter((f) => f.severity === "warning").length;
  const lines = [
    ...(via ? [`This file's parameters, as checked through ${baseName(report.file)}, which imports it.`] : []),
    `${baseName(report.file)}: ${plural(report.parameters.length, "parameter")}, ${plural(report.findings.length, "finding")}`,
    report.stopped.message,
    `${Math.round(report.durationMs)} ms. Click to open the computation graph.`,
  ];
  if (report.error && report.error.kind !== "cancelled") {
    return { text: "$(error) GradLens: run failed", tooltip: [runErrorMessage(report.error), ...lines].join("\n"), tone: "error", opensReport: true };
  }
  const counts = statusCounts(report);
  const icon = errors ? "$(error)" : warnings ? "$(warning)" : counts ? "$(info)" : "$(check)";
  // One voice: the findings the Problems panel shows come first, never an "all updated" beside them.
  const problems = [errors ? plural(errors, "error") : "", warnings ? plural(warnings, "warning") : ""].filter(Boolean);
  const facts = counts || (report.parameters.length ? `${report.parameters.length} updated` : "no parameters");
  const text = `${icon} GradLens${via ? ` (${baseName(report.file)})` : ""}: ${[...problems, facts].join(" · ")}`;
  return { text, tooltip: lines.join("\n"), tone: errors ? "error" : warnings ? "warning" : "normal", opensReport: true };
}
