import type { Report } from "../protocol/report";

// What CI reads: a finding, a model that could not run, and GradLens failing are told apart.
export const EXIT = {
  clean: 0,
  /** a finding at error level */
  finding: 1,
  /** the model file could not run: syntax error, exception, timeout, memory limit */
  modelFailed: 2,
  /** GradLens itself failed or was used wrongly: bad arguments, unreadable path, internal error */
  toolFailed: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function exitCodeFor(report: Report): 0 | 1 | 2 {
  if (report.error !== null) return EXIT.modelFailed;
  return report.findings.some((f) => f.severity === "error") ? EXIT.finding : EXIT.clean;
}
