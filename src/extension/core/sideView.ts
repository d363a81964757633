// The "GradLens" side view of one report, as plain nodes: the per-parameter table the CLI prints
// (grouped by module, worst module first), the backward × module reach matrix, and the findings.
// Every count is read from the same Report fields as the lenses, hovers and the status bar.
import type { BackwardReport, ParamStatus, ParameterReport, Report, Severity, SourceSite } from "../../protocol/report";
import type { StaticScan } from "../../static/types";
import { baseName } from "./files";
import { STATUS_ROW, statusWords } from "./parameterList";
import { backwardName, plural, topLevelModuleOf, topLevelModules, unique } from "./reportQueries";

export interface SideNode {
  label: string;
  description?: string;
  tooltip?: string;
  /** a parameter's status (its colour) or a finding's severity, for the icon */
  icon?: ParamStatus | Severity | "module" | "backward";
  /** clicking reveals this site */
  site?: SourceSite;
  children?: SideNode[];
  /** shown open at first: the sections, and modules with a parameter that was not updated */
  expanded?: boolean;
}

const rank = (s: ParamStatus) => STATUS_ROW.findIndex(([x]) => x === s);
const word = (s: ParamStatus) => STATUS_ROW.find(([x]) => x === s)![2];

function formatNorm(norm: number | null): string {
  if (norm === null) return "no grad";
  return `‖grad‖ ${norm === 0 ? "0" : Math.abs(norm) >= 1e-3 && Math.abs(norm) < 1e4 ? String(Number(norm.toPrecision(3))) : norm.toExponential(2)}`;
}

/** "2 cut, 1 updated": worst first, the hover's words. */
export function statusSummary(params: readonly ParameterReport[]): string {
  return STATUS_ROW.map(([s]) => [s, params.filter((p) => p.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${word(s)}`)
    .join(", ");
}

function parameterNode(p: ParameterReport, module: string | null): SideNode {
  const short = module && p.name.startsWith(`${module}.`) ? p.name.slice(module.length + 1) : p.name;
  const cause = p.cause ? `\n${p.cause.message} (${baseName(p.cause.file)}:${p.cause.line})` : "";
  return {
    label: short,
    description: `${statusWords(p)} · [${p.shape.join(", ")}] · ${formatNorm(p.gradNorm)}`,
    tooltip: `${p.name}: ${statusWords(p)}${p.optimizers.length ? ` (in ${p.optimizers.join(", ")})` : p.updatedByHand ? "" : " (in no optimizer)"}${cause}`,
    icon: p.status,
    ...(p.site ? { site: p.site } : {}),
  };
}

function parametersSection(report: Report): SideNode {
  const modules = unique(report.parameters.map((p) => p.module));
  const groups = modules.map((m) => {
    const params = report.parameters.filter((p) => p.module === m).sort((a, b) => rank(a.status) - rank(b.status));
    const type = report.graph.modules.find((g) => g.path === m)?.type;
    return { m, params, worst: Math.min(...params.map((p) => rank(p.status))), type };
  });
  groups.sort((a, b) => a.worst - b.worst);
  return {
    label: "Parameters",
    expanded: true,
    description: `${report.parameters.length} — ${statusSummary(report.parameters) || "none"}`,
    children: groups.map(({ m, params, type }) => ({
      label: m ?? "(no module)",
      description: `${type ? `${type} · ` : ""}${statusSummary(params)}`,
      icon: "module",
      expanded: params.some((p) => p.status !== "updated"),
      children: params.map((p) => parameterNode(p, m)),
    })),
  };
}

/** "lossD.backward()", or backwardName's own "backward() at line 34" when the loss has no name. */
const lossLabel = (name: string) => (name.startsWith("backward()") ? name : `${name}.backward()`);

/** One row per backward() line (a loop runs it once per step): what any of its calls reached, by module. */
function reachSection(report: Report, scan: StaticScan | null): SideNode {
  const modules = topLevelModules(report);
  const total = new Map(modules.map((m) => [m, report.parameters.filter((p) => topLevelModuleOf(p.name, modules) === m).length]));
  const sites = new Map<string, BackwardReport[]>();
  for (const b of report.backwards) sites.set(`${b.file}:${b.line}`, [...(sites.get(`${b.file}:${b.line}`) ?? []), b]);
  const rows = [...sites.values()].map((calls): SideNode => {
    const b = calls[0]!;
    const reached = unique(calls.flatMap((c) => c.reached));
    const count = new Map(modules.map((m) => [m, reached.filter((n) => topLevelModuleOf(n, modules) === m).length]));
    return {
      label: lossLabel(backwardName(b, scan)),
      description: modules.map((m) => `${m} ${count.get(m)}/${total.get(m)}`).join(" · "),
      tooltip: `${plural(calls.length, "call")} at ${baseName(b.file)}:${b.line}; gradient reaches ${plural(reached.length, "parameter")}.`,
      icon: "backward",
      site: { file: b.file, line: b.line, column: b.column },
      children: modules.map((m) => ({
        label: m,
        description: `${count.get(m)} of ${total.get(m)} parameters reached`,
        icon: count.get(m)! > 0 ? "updated" : "unused",
      })),
    };
  });
  return {
    label: "Reach",
    expanded: true,
    description: `${plural(rows.length, "backward() line")} × ${plural(modules.length, "module")}`,
    children: rows,
  };
}

function findingsSection(report: Report): SideNode {
  return {
    label: "Findings",
    expanded: true,
    description: report.findings.length ? String(report.findings.length) : "none",
    children: report.findings.map((f) => ({
      label: `${f.code} ${f.message}`,
      description: `${baseName(f.file)}:${f.line}`,
      tooltip: [f.message, ...f.related.map((r) => `${baseName(r.file)}:${r.line} ${r.message}`)].join("\n"),
      icon: f.severity,
      site: { file: f.file, line: f.line, column: f.column },
      children: f.related.length
        ? f.related.map((r) => ({ label: r.message, description: `${baseName(r.file)}:${r.line}`, site: { file: r.file, line: r.line, column: r.column } }))
        : undefined,
    })),
  };
}

/** The view's top level for a report; a failed run shows only the failure (its partial facts are not facts). */
export function buildSideView(report: Report, scan: StaticScan | null): SideNode[] {
  if (report.error && report.error.kind !== "cancelled") {
    const e = report.error;
    return [{ label: "The run failed", description: `${baseName(e.file || report.file)}:${e.line}`, tooltip: e.message, icon: "error", site: { file: e.file || report.file, line: Math.max(e.line, 1), column: Math.max(e.column, 1) }, children: [{ label: e.message.split("\n")[0]! }] }];
  }
  return [parametersSection(report), reachSection(report, scan), findingsSection(report)];
}
