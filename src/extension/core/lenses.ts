// CodeLens titles. Before a check, every cut site in training code, every optimizer construction and
// every backward() gets a lens from the static scan, so lenses are there at once and nothing jumps
// when a run finishes; after a check the same lenses state what the run saw there.
import type { BackwardReport, CutReport, Finding, OptimizerReport, ParameterReport, Report } from "../../protocol/report";
import { isCutSite } from "../../static/queries";
import type { SourceRange, StaticScan, StaticSite } from "../../static/types";
import { reportIsFor, samePath } from "./files";
import {
  backwardName,
  byLineInFile,
  listNames,
  parametersByName,
  plural,
  staticSiteFor,
  topLevelModuleOf,
  topLevelModules,
  unique,
} from "./reportQueries";

export type LensKind = "cut" | "optimizer" | "backward";

export interface LensSpec extends SourceRange {
  kind: LensKind;
  title: string;
  tooltip: string;
  /** "check" before any report (run the check), "showGraph" after (open the graph at focusLine). */
  command: "check" | "showGraph";
  focusLine: number;
  /** The parameters an optimizer or backward() lens counts: clicking it lists them (a cut's lens opens the graph). */
  parameters?: string[];
}

const CUT_LABEL: Record<string, string> = {
  detach: "detach",
  detach_: "detach_",
  "no-grad": "noGrad",
  "set-grad-enabled-false": "setGradEnabled(false)",
  "requires-grad-false": "requiresGrad = false",
};

const CUT_KINDS = ["detach", "detach_", "no-grad", "set-grad-enabled-false", "requires-grad-false"] as const;
const REPORT_CUT_LABEL: Record<CutReport["kind"], string> = {
  detach: "detach",
  "no-grad": "noGrad",
  "requires-grad-false": "requiresGrad = false",
};

function cutLabel(site: StaticSite | null, cuts: readonly CutReport[]): string {
  if (site) {
    if (site.kind === "requires-grad-false" && "form" in site && site.form === "method") return "requiresGrad_(false)";
    return CUT_LABEL[site.kind] ?? site.kind;
  }
  return REPORT_CUT_LABEL[cuts[0]!.kind];
}

function wantsStaticLens(site: StaticSite): LensKind | null {
  if (site.kind === "optimizer") return "optimizer";
  if (site.kind === "backward") return "backward";
  if (isCutSite(site) && site.inTrainingCode) return "cut";
  return null;
}

function staticTitle(kind: LensKind, site: StaticSite): string {
  if (kind === "optimizer") {
    const name = site.kind === "optimizer" && site.variable ? ` \`${site.variable}\`` : "";
    return `optimizer${name} — run the gradient-flow check to see what it steps`;
  }
  if (kind === "backward") return "backward — run the gradient-flow check to see what it reaches";
  return `${cutLabel(site, [])} — run the gradient-flow check to see what it cuts`;
}

function wholeLine(line: number, column: number): SourceRange {
  return { line, column, endLine: line, endColumn: column + 1 };
}

export interface CutFacts {
  title: string;
  tooltip: string;
}

/** What a cut site did in the run (all report records of the site merged: a loop runs it often). */
export function cutFacts(label: string, cuts: readonly CutReport[], report: Report, scan: StaticScan | null): CutFacts {
  const params = parametersByName(report);
  const blocked = unique(cuts.flatMap((c) => c.blocked));
  const elsewhere = new Set(cuts.flatMap((c) => c.gotGradElsewhere).filter((n) => blocked.includes(n)));
  const lost = blocked.filter((n) => !elsewhere.has(n));
  if (blocked.length === 0) {
    return { title: `${label} — cuts no parameter's gradient`, tooltip: "No parameter lost gradient at this site in the checked steps." };
  }
  if (cuts.every((c) => c.kind === "requires-grad-false") && blocked.every((n) => params.get(n)?.status === "frozen")) {
    return freezeFacts(blocked, params);
  }
  if (lost.length === 0) {
    const losses = unique(
      [...elsewhere].flatMap((n) => (params.get(n)?.reachedBy ?? []).map((i) => report.backwards.find((b) => b.index === i))),
    )
      .filter((b): b is BackwardReport => b !== undefined)
      .map((b) => backwardName(b, scan));
    const from = unique(losses);
    const they = blocked.length === 1 ? "it gets" : "they get";
    return {
      title: `cuts gradient to ${listNames(blocked)} — ${they} gradient from ${from.length ? from.join(", ") : "another path"} ✓`,
      tooltip: `This ${label} stops gradient to ${blocked.join(", ")}, which still get gradient elsewhere.`,
    };
  }
  const optimizers = unique(lost.flatMap((n) => params.get(n)?.optimizers ?? []));
  const stepped = lost.filter((n) => (params.get(n)?.optimizers.length ?? 0) > 0);
  if (stepped.length > 0) {
    const which = optimizers.length === 1 ? `optimizer \`${optimizers[0]}\`` : `optimizers ${optimizers.map((o) => `\`${o}\``).join(", ")}`;
    return {
      title: `cuts ${plural(stepped.length, "parameter")} that ${which} steps ✗`,
      tooltip: `No gradient reaches ${stepped.join(", ")} past this ${label}, so ${which} never trains them.`,
    };
  }
  return {
    title: `cuts gradient to ${listNames(lost)} — no optimizer steps ${lost.length === 1 ? "it" : "them"}`,
    tooltip: `This ${label} stops every gradient to ${lost.join(", ")}; no optimizer holds ${lost.length === 1 ? "it" : "them"}.`,
  };
}

/** A requiresGrad = false site froze these on purpose: say so, and whether an optimizer still holds them. */
function freezeFacts(frozen: string[], params: Map<string, ParameterReport>): CutFacts {
  const holders = unique(frozen.flatMap((n) => params.get(n)?.optimizers ?? []));
  const held = holders.length === 0 ? "" : ` — ${holders.map((o) => `\`${o}\``).join(", ")} still ${holders.length === 1 ? "holds" : "hold"} ${frozen.length === 1 ? "it" : "them"} (no gradient, skipped)`;
  return {
    title: `freezes ${listNames(frozen)}${held}`,
    tooltip: `${frozen.join(", ")} get no gradient from here on; gradient still flows through them to earlier modules.`,
  };
}

/** How the lens names each status, in the order it lists them: the words of the hover and the status bar. */
const OPTIMIZER_STATUS: ReadonlyArray<[ParameterReport["status"], string]> = [
  ["cut", "cut"],
  ["unused", "never got a gradient"],
  ["grad-not-applied", "gradient not applied"],
  ["frozen", "frozen"],
];

/** The warnings and errors about an optimizer: at its line (GL004) or naming parameters it holds (GL006 at its step). */
export function optimizerProblems(optimizers: readonly OptimizerReport[], report: Report): Finding[] {
  const held = new Set(heldBy(optimizers));
  return report.findings.filter(
    (f) =>
      f.severity !== "info" &&
      (optimizers.some((o) => o.line === f.line && samePath(o.file, f.file)) || f.parameters.some((n) => held.has(n))),
  );
}

/** The parameters the optimizers hold, in group order. */
export function heldBy(optimizers: readonly OptimizerReport[]): string[] {
  return unique(optimizers.flatMap((o) => o.groups.flatMap((g) => g.params)));
}

/**
 * One voice: the counts come from the same fields as the hover and the status bar (the report's
 * `updated` lists and parameter statuses), and a warning or error about the optimizer stands in the
 * title instead of a ✓.
 */
export function optimizerFacts(optimizers: readonly OptimizerReport[], report: Report): CutFacts {
  const params = parametersByName(report);
  const names = heldBy(optimizers);
  const steps = optimizers.reduce((n, o) => n + o.steps, 0);
  const label = unique(optimizers.map((o) => `\`${o.name}\``)).join(", ");
  const problems = optimizerProblems(optimizers, report);
  const codes = unique(problems.map((f) => f.code));
  const flag = codes.length ? ` — ${problems.some((f) => f.severity === "error") ? "✗" : "⚠"} ${codes.join(", ")}` : "";
  const why = problems.map((f) => `${f.code}: ${f.message}`);
  if (steps === 0) {
    return {
      title: `never stepped — holds ${plural(names.length, "parameter")} ✗${flag}`,
      tooltip: [`${label} (${optimizers[0]!.type}) was built but step() was never called in the checked run.`, ...why].join("\n"),
    };
  }
  const updated = new Set(
    optimizers.every((o) => o.updated !== undefined) ? optimizers.flatMap((o) => o.updated!) : names.filter((n) => params.get(n)?.updated),
  );
  const others = names.filter((n) => !updated.has(n));
  const head = `steps ${plural(names.length, "parameter")}`;
  const tooltip = [`${label} (${optimizers[0]!.type}), ${plural(steps, "step")} in the checked run. Click to list the parameters.`, ...why].join("\n");
  if (others.length === 0) return { title: `${head}: all updated${flag || " ✓"}`, tooltip };
  const parts = [`${names.length - others.length} updated`];
  for (const [status, word] of OPTIMIZER_STATUS) {
    const n = others.filter((name) => params.get(name)?.status === status).length;
    if (n) parts.push(`${n} ${word}`);
  }
  return { title: `${head}: ${parts.join(", ")}${flag}`, tooltip };
}

export function backwardFacts(backwards: readonly BackwardReport[], report: Report): CutFacts {
  const reached = unique(backwards.flatMap((b) => b.reached));
  const modules = topLevelModules(report);
  const counts = new Map<string, number>(modules.map((m) => [m, 0]));
  for (const name of reached) {
    const m = topLevelModuleOf(name, modules);
    if (m !== null) counts.set(m, counts.get(m)! + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const tooltip = reached.length ? `Gradient reaches ${reached.join(", ")}.` : "This backward() reached no parameter.";
  if (reached.length === 0) return { title: "reaches no parameter ✗", tooltip };
  if (sorted.length <= 1) {
    const where = sorted.length === 1 && sorted[0]![1] === reached.length ? ` in ${sorted[0]![0]}` : "";
    return { title: `reaches ${plural(reached.length, "parameter")}${where}`, tooltip };
  }
  const [first, ...rest] = sorted;
  const text = [`${plural(first![1], "parameter")} in ${first![0]}`, ...rest.map(([m, n]) => `${n} in ${m}`)].join(", ");
  return { title: `reaches ${text}`, tooltip };
}

interface Group<T> {
  site: StaticSite | null;
  line: number;
  column: number;
  items: T[];
}

function groupBySite<T extends CutReport | OptimizerReport | BackwardReport>(
  items: readonly T[],
  report: Report,
  filePath: string,
  scan: StaticScan | null,
  kinds: readonly StaticSite["kind"][],
): Group<T>[] {
  const groups = new Map<StaticSite | number, Group<T>>();
  for (const [line, list] of byLineInFile(items, report, filePath)) {
    for (const item of list) {
      const site = staticSiteFor(scan, item, kinds);
      const key = site ?? line;
      const g = groups.get(key) ?? { site, line: site?.line ?? line, column: site?.column ?? item.column, items: [] };
      g.items.push(item);
      groups.set(key, g);
    }
  }
  return [...groups.values()];
}

/** "run the gradient-flow check to see what 1 cut, 2 optimizers and 2 backward() calls do" */
function entryTitle(kinds: readonly LensKind[]): string {
  const n = (k: LensKind) => kinds.filter((x) => x === k).length;
  const parts = [
    n("cut") ? plural(n("cut"), "cut") : "",
    n("optimizer") ? plural(n("optimizer"), "optimizer") : "",
    n("backward") ? `${n("backward")} backward() ${n("backward") === 1 ? "call" : "calls"}` : "",
  ].filter(Boolean);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts[0]!;
  return `$(pulse) GradLens: run the gradient-flow check to see what ${list} ${kinds.length === 1 ? "does" : "do"}`;
}

/** A site typed or changed since the check: the run never saw it, so it gets the static lens, saying so. */
function editedTitle(kind: LensKind, site: StaticSite): string {
  return staticTitle(kind, site).replace(" — run the gradient-flow check", " — edited since the check: run it again");
}

/**
 * All lenses of a file: from the scan alone, or with the facts of a report about this file (its
 * lines mapped to the current text); `edited`: current lines not in the text the check ran on.
 */
export function buildLenses(
  scan: StaticScan | null,
  report: Report | null,
  filePath: string,
  edited: ReadonlySet<number> = new Set(),
  /** The report is of a training file that imports this one: its facts about this file's sites still hold. */
  via = false,
): LensSpec[] {
  const specs = new Map<StaticSite | string, LensSpec>();
  const ranged = (site: StaticSite | null, line: number, column: number): SourceRange =>
    site ? { line: site.line, column: site.column, endLine: site.endLine, endColumn: site.endColumn } : wholeLine(line, column);

  const worthy = (scan?.sites ?? []).flatMap((site) => {
    const kind = wantsStaticLens(site);
    return kind ? [{ site, kind }] : [];
  });
  if (!report || (!via && !reportIsFor(report, filePath))) {
    // Before a check: one entry point, on the first site, not one "run the check" per site.
    if (!worthy.length) return [];
    const { site, kind } = worthy[0]!;
    return [{ ...ranged(site, 0, 0), kind, title: entryTitle(worthy.map((w) => w.kind)), tooltip: "GradLens: run the model to see what each site does", command: "check", focusLine: site.line }];
  }
  for (const { site, kind } of worthy) {
    // A site typed or changed since the check: the run never saw it.
    if (edited.has(site.line)) specs.set(site, { ...ranged(site, 0, 0), kind, title: editedTitle(kind, site), tooltip: "This line changed since the check ran.", command: "check", focusLine: site.line });
    // A cut the run did not report cut nothing: no lens on code nothing happened to.
    else if (kind !== "cut") {
      const title = kind === "optimizer" ? `${staticTitle("optimizer", site).split(" — ")[0]} — not built during the check` : "backward — did not run during the check";
      specs.set(site, { ...ranged(site, 0, 0), kind, title, tooltip: "The check did not see this site do anything.", command: "showGraph", focusLine: site.line });
    }
  }
  const put = (kind: LensKind, g: Group<unknown>, facts: CutFacts, parameters?: string[]) => {
    const key = g.site ?? `${kind}:${g.line}`;
    const spec: LensSpec = { ...ranged(g.site, g.line, g.column), kind, ...facts, command: "showGraph", focusLine: g.line };
    if (parameters?.length) spec.parameters = parameters;
    specs.set(key, spec);
  };
  for (const g of groupBySite(report.cuts, report, filePath, scan, CUT_KINDS)) {
    if (g.items.every((c) => c.blocked.length === 0)) continue; // an evaluation noGrad: nothing to say
    put("cut", g, cutFacts(cutLabel(g.site, g.items), g.items, report, scan));
  }
  for (const g of groupBySite(report.optimizers, report, filePath, scan, ["optimizer"])) put("optimizer", g, optimizerFacts(g.items, report), heldBy(g.items));
  for (const g of groupBySite(report.backwards, report, filePath, scan, ["backward"])) put("backward", g, backwardFacts(g.items, report), unique(g.items.flatMap((b) => b.reached)));
  return [...specs.values()].sort((a, b) => a.line - b.line || a.column - b.column);
}
