// Hovers, one GradLens section each: on a line that defines parameters (`fc1 = new nn.Linear(4, 16)`),
// declares a top-level module (`const G = new Generator()`) or builds an optimizer. A summary line
// first (the same counts as the lenses and the status bar), then a table — by module past
// TABLE_ROWS rows — then why the others were not updated, with file:line links and command links.
import type { ParameterReport, Report } from "../../protocol/report";
import { formatLr } from "../../protocol/formatLr";
import { baseName, siteInFile } from "./files";
import { optimizerFacts } from "./lenses";
import { STATUS_ROW, statusWords } from "./parameterList";
import { plural, unique } from "./reportQueries";

const STATUS_ICON: Record<ParameterReport["status"], string> = {
  updated: "✓",
  "grad-not-applied": "⚠",
  frozen: "❄",
  cut: "✗",
  unused: "○",
};

/** "✓ updated", in the parameter list's words. */
const statusBadge = (s: ParameterReport["status"]): string => `${STATUS_ICON[s]} ${STATUS_ROW.find(([x]) => x === s)![2]}`;

/** The table's cell: the icon and the parameter's own words ("✓ updated by hand at line 44 (not by an optimizer)"). */
function badge(p: ParameterReport): string {
  return `${STATUS_ICON[p.status]} ${statusWords(p)}`;
}

const STATUS_ORDER: readonly ParameterReport["status"][] = ["cut", "grad-not-applied", "unused", "frozen", "updated"];

/** Past this many parameters a table lists modules, not parameters. */
export const TABLE_ROWS = 10;

/** Where links point: a file:line opens the file there; commands run from the hover. */
export interface HoverLinks {
  /** A markdown link target opening `file` at `line`. */
  location(file: string, line: number): string;
  /** A markdown link target showing the graph focused on `line` of the checked file; null: no link. */
  graph?(line: number): string | null;
}

const NO_LINKS: HoverLinks = { location: () => "" };

function escapeMd(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, "\\$1");
}

function formatNorm(norm: number | null): string {
  if (norm === null) return "—";
  if (norm === 0) return "0";
  return Math.abs(norm) >= 1e-3 && Math.abs(norm) < 1e4 ? String(Number(norm.toPrecision(4))) : norm.toExponential(2);
}

/** "2 ✗ cut, 1 ✓ updated", worst first. */
function counts(params: readonly ParameterReport[]): string {
  return STATUS_ORDER.map((s) => [s, params.filter((p) => p.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${statusBadge(s)}`)
    .join(", ");
}

function table(params: readonly ParameterReport[]): string[] {
  if (params.length > TABLE_ROWS) {
    const modules = unique(params.map((p) => p.module ?? "(no module)"));
    const rows = modules.map((m) => {
      const inside = params.filter((p) => (p.module ?? "(no module)") === m);
      return `| \`${m}\` | ${inside.length} | ${counts(inside)} |`;
    });
    return ["| module | parameters | status |", "|---|---:|---|", ...rows];
  }
  const rows = params.map((p) => `| \`${p.name}\` | ${badge(p)} | [${p.shape.join(", ")}] | ${formatNorm(p.gradNorm)} |`);
  return ["| parameter | status | shape | grad norm |", "|---|---|---|---|", ...rows];
}

function causes(params: readonly ParameterReport[], links: HoverLinks): string[] {
  const lines: string[] = [];
  // One line per distinct cause past the table size: 40 parameters cut by one detach are one line.
  const seen = new Map<string, string[]>();
  for (const p of params) {
    if (!p.cause) continue;
    const key = `${p.cause.file}:${p.cause.line}:${p.cause.message}`;
    seen.set(key, [...(seen.get(key) ?? []), p.name]);
  }
  for (const [, names] of seen) {
    const p = params.find((x) => x.name === names[0])!;
    const where = `${escapeMd(baseName(p.cause!.file))}:${p.cause!.line}`;
    const target = links.location(p.cause!.file, p.cause!.line);
    const who = names.length === 1 ? `\`${names[0]}\`` : `\`${names[0]}\` and ${names.length - 1} more`;
    lines.push(`- ${who}: ${escapeMd(p.cause!.message)} (${target ? `[${where}](${target})` : where})`);
  }
  return lines;
}

function section(head: string, params: readonly ParameterReport[], links: HoverLinks, line: number): string {
  const why = causes(params, links);
  const graph = links.graph?.(line);
  const cause = params.find((p) => p.cause)?.cause;
  const goTo = cause ? links.location(cause.file, cause.line) : "";
  const actions = [graph ? `[Show in graph](${graph})` : "", goTo ? `[Go to cause](${goTo})` : ""].filter(Boolean);
  return [
    head,
    "",
    ...table(params),
    ...(why.length ? ["", "Why not updated:", ...why] : []),
    ...(actions.length ? ["", actions.join(" · ")] : []),
  ].join("\n");
}

/** Module paths (top-level roots) declared on this line by `const|let|var|this.X =` or `X =`. */
function modulesDeclaredOn(report: Report, lineText: string): string[] {
  const roots = unique(report.graph.modules.filter((m) => m.parent === null).map((m) => m.path));
  return roots.filter((root) => {
    const name = root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(^|[^\\w$.])(this\\.)?${name}\\s*=[^=]`).test(lineText);
  });
}

function optimizerHover(report: Report, filePath: string, line: number, links: HoverLinks): string | null {
  const here = report.optimizers.filter((o) => o.line === line && siteInFile(o, report, filePath));
  if (!here.length) return null;
  const facts = optimizerFacts(here, report);
  const names = unique(here.flatMap((o) => o.groups.flatMap((g) => g.params)));
  const params = report.parameters.filter((p) => names.includes(p.name));
  const groups = here.flatMap((o) => o.groups.map((g) => `- group ${g.index}: lr ${formatLr(g.lr)}, ${plural(g.params.length, "parameter")}`));
  const head = `**GradLens** — optimizer ${unique(here.map((o) => `\`${o.name}\` (${o.type})`)).join(", ")}: ${facts.title}`;
  return [section(head, params, links, line), "", ...groups].join("\n");
}

export function buildHover(report: Report, filePath: string, line: number, lineText = "", links: HoverLinks = NO_LINKS): string | null {
  const defined = report.parameters.filter((p) => p.site && p.site.line === line && siteInFile(p.site, report, filePath));
  if (defined.length) {
    const modules = unique(defined.map((p) => p.module ?? "(no module)"));
    const types = modules.map((m) => report.graph.modules.find((g) => g.path === m)?.type).filter(Boolean);
    const head =
      `**GradLens** — ${plural(defined.length, "parameter")} defined here` +
      (modules.length === 1 && defined[0]!.module ? ` (\`${modules[0]}\`${types[0] ? `, ${types[0]}` : ""})` : "") +
      `: ${counts(defined)}`;
    return section(head, defined, links, line);
  }
  const optimizer = optimizerHover(report, filePath, line, links);
  if (optimizer) return optimizer;
  const roots = modulesDeclaredOn(report, lineText);
  if (!roots.length) return null;
  return roots
    .map((root) => {
      const params = report.parameters.filter((p) => p.name.startsWith(`${root}.`));
      const type = report.graph.modules.find((m) => m.path === root)?.type;
      const head = `**GradLens** — module \`${root}\`${type ? ` (${type})` : ""}: ${plural(params.length, "parameter")}${params.length ? ` — ${counts(params)}` : ""}`;
      return section(head, params, links, line);
    })
    .join("\n\n---\n\n");
}
