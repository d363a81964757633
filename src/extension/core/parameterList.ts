// What a lens that counts parameters lists when clicked: one row per parameter, worst status first,
// with the words and icons the hover uses and where the parameter was created (to reveal it).
import type { ParamStatus, ParameterReport, Report, SourceSite } from "../../protocol/report";
import { baseName } from "./files";
import { parametersByName } from "./reportQueries";

export interface ParameterRow {
  name: string;
  /** "$(error) G.fc1.weight" */
  label: string;
  /** "cut — detach at gan.ts:32" */
  description: string;
  /** "gan.ts:6" where it was created, when known */
  detail: string;
  site: SourceSite | null;
}

/** Codicons (they take the theme's colours in quick picks) and words per status, worst first. */
export const STATUS_ROW: ReadonlyArray<[ParamStatus, string, string]> = [
  ["cut", "$(error)", "cut"],
  ["grad-not-applied", "$(warning)", "gradient not applied"],
  ["unused", "$(circle-outline)", "unused"],
  ["frozen", "$(lock)", "frozen"],
  ["updated", "$(pass)", "updated"],
];

/**
 * One parameter's status in words, for every place that names it (hover, gutter, side view, this
 * list): a parameter no optimizer holds that was updated by hand — an EMA target written under
 * noGrad, a hand-written SGD step — says so and where, never just "updated" as if an optimizer did it.
 */
export function statusWords(p: ParameterReport): string {
  if (updatedOnlyByHand(p)) {
    return `updated by hand at line ${p.updatedByHand.line} (not by an optimizer)`;
  }
  return STATUS_ROW.find(([s]) => s === p.status)![2];
}

/** Updated, by the file's own code and by no optimizer (statusWords names where). */
export function updatedOnlyByHand(p: ParameterReport): p is ParameterReport & Required<Pick<ParameterReport, "updatedByHand">> {
  return p.status === "updated" && p.updatedByHand !== undefined && p.groups.length === 0;
}

export function parameterRows(report: Report, names: readonly string[]): ParameterRow[] {
  const params = parametersByName(report);
  // A name the report does not know (it should not happen) goes last.
  const rank = (s: ParamStatus | undefined) => {
    const i = STATUS_ROW.findIndex(([x]) => x === s);
    return i < 0 ? STATUS_ROW.length : i;
  };
  return [...names]
    .sort((a, b) => rank(params.get(a)?.status) - rank(params.get(b)?.status))
    .map((name) => {
      const p = params.get(name);
      const row = STATUS_ROW.find(([s]) => s === p?.status);
      const cause = p?.cause ? ` — ${p.cause.message} (${baseName(p.cause.file)}:${p.cause.line})` : "";
      return {
        name,
        label: `${row?.[1] ?? "$(question)"} ${name}`,
        description: `${p !== undefined ? statusWords(p) : "not in the report"}${cause}`,
        detail: p?.site ? `${baseName(p.site.file)}:${p.site.line}` : "",
        site: p?.site ?? null,
      };
    });
}
