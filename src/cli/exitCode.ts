import type { Report } from "../protocol/report";

/** 2 when the file could not run (syntax error, exception, timeout, memory), 1 when a finding is an error, else 0. */
export function exitCodeFor(report: Report): 0 | 1 | 2 {
  if (report.error !== null) return 2;
  return report.findings.some((f) => f.severity === "error") ? 1 : 0;
}
