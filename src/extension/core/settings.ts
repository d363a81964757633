// The extension's settings (all under `gradlens.`), their defaults and their validation. The keys and
// defaults here must match `contributes.configuration` in package.json (a test checks that).
import type { Severity } from "../../protocol/report";
import type { LimitNames } from "../../runner/limits";

export type RunOnSave = "off" | "onSave";

export interface GradLensSettings {
  /** Seconds a check may run before its worker is terminated. */
  timeoutSeconds: number;
  /** Heap limit of the worker, in MiB. */
  memoryLimitMb: number;
  /** Optimizer steps to run before stopping the model (the report is complete after a few). */
  stepBudget: number;
  runOnSave: RunOnSave;
  codeLensEnabled: boolean;
  gutterIconsEnabled: boolean;
  /** Finding severities that become diagnostics. */
  diagnosticSeverities: Severity[];
  /** .py checks: the Python to run when the Python extension does not choose one ("" = PATH). */
  pythonPath: string;
}

export const SETTING_KEYS = {
  timeoutSeconds: "timeoutSeconds",
  memoryLimitMb: "memoryLimitMb",
  stepBudget: "stepBudget",
  runOnSave: "runOnSave",
  codeLensEnabled: "codeLens.enabled",
  gutterIconsEnabled: "gutterIcons.enabled",
  diagnosticSeverities: "diagnostics.severities",
  pythonPath: "pythonPath",
} as const satisfies Record<keyof GradLensSettings, string>;

export const DEFAULT_SETTINGS: GradLensSettings = {
  timeoutSeconds: 30,
  memoryLimitMb: 1024,
  stepBudget: 5,
  runOnSave: "off",
  codeLensEnabled: true,
  gutterIconsEnabled: true,
  diagnosticSeverities: ["error", "warning", "info"],
  pythonPath: "",
};

const LIMITS = {
  timeoutSeconds: [1, 3600],
  memoryLimitMb: [256, 16384], // the limit covers the whole child process, Node included
  stepBudget: [1, 100000],
} as const;

const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

function clampInt(value: unknown, [min, max]: readonly [number, number], fallback: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** Reads and validates the settings; `get` is `vscode.workspace.getConfiguration("gradlens").get`. */
export function readSettings(get: (key: string) => unknown): GradLensSettings {
  const d = DEFAULT_SETTINGS;
  const severities = get(SETTING_KEYS.diagnosticSeverities);
  return {
    timeoutSeconds: clampInt(get(SETTING_KEYS.timeoutSeconds), LIMITS.timeoutSeconds, d.timeoutSeconds),
    memoryLimitMb: clampInt(get(SETTING_KEYS.memoryLimitMb), LIMITS.memoryLimitMb, d.memoryLimitMb),
    stepBudget: clampInt(get(SETTING_KEYS.stepBudget), LIMITS.stepBudget, d.stepBudget),
    runOnSave: get(SETTING_KEYS.runOnSave) === "onSave" ? "onSave" : "off",
    codeLensEnabled: get(SETTING_KEYS.codeLensEnabled) !== false,
    gutterIconsEnabled: get(SETTING_KEYS.gutterIconsEnabled) !== false,
    diagnosticSeverities: Array.isArray(severities)
      ? SEVERITIES.filter((s) => severities.includes(s))
      : [...d.diagnosticSeverities],
    pythonPath: typeof get(SETTING_KEYS.pythonPath) === "string" ? (get(SETTING_KEYS.pythonPath) as string) : d.pythonPath,
  };
}

/** A limit stop in the editor names the setting that moves it, not the CLI's option. */
export const EDITOR_LIMIT_NAMES: LimitNames = {
  timeout: `setting gradlens.${SETTING_KEYS.timeoutSeconds}`,
  memory: `setting gradlens.${SETTING_KEYS.memoryLimitMb}`,
  steps: `setting gradlens.${SETTING_KEYS.stepBudget}`,
};

/** The runner's options for these settings. */
export function runOptionsOf(settings: GradLensSettings): { timeoutMs: number; memoryMb: number; steps: number; limitNames: LimitNames } {
  return { timeoutMs: settings.timeoutSeconds * 1000, memoryMb: settings.memoryLimitMb, steps: settings.stepBudget, limitNames: EDITOR_LIMIT_NAMES };
}
