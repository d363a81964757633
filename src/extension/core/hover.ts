// Hover on a line that defines parameters (`fc1 = new nn.Linear(4, 16)`) or a top-level module
// (`const G = new Generator()`): each parameter's status, shape, gradient norm and cause.
import type { ParameterReport, Report } from "../../protocol/report";
import { baseName, siteInFile } from "./files";
import { plural, unique } from "./reportQueries";

const STATUS_BADGE: Record<ParameterReport["status"], string> = {
  updated: "✓ updated",
  "grad-not-applied": "⚠ gradient not applied",
  frozen: "❄ frozen",
  cut: "✗ cut",
  unused: "○ unused",
};

function escapeMd(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, "\\$1");
}

function formatNorm(norm: number | null): string {
  if (norm === null) return "—";
  if (norm === 0) return "0";
  return Math.abs(norm) >= 1e-3 && Math.abs(norm) < 1e4 ? String(Number(norm.toPrecision(4))) : norm.toExponential(2);
}

function table(params: readonly ParameterReport[]): string[] {
  const rows = params.map(
    (p) => `| \`${p.name}\` | ${STATUS_BADGE[p.status]} | [${p.shape.join(", ")}] | ${formatNorm(p.gradNorm)} |`,
  );
  return ["| parameter | status | shape | grad norm |", "|---|---|---|---|", ...rows];
}

function causes(params: readonly ParameterReport[]): string[] {
  const lines: string[] = [];
  for (const p of params) {
    if (!p.cause) continue;
    lines.push(`- \`${p.name}\`: ${escapeMd(p.cause.message)} (${escapeMd(baseName(p.cause.file))}:${p.cause.line})`);
  }
  return lines;
}

/** Module paths (top-level roots) declared on this line by `const|let|var|this.X =` or `X =`. */
function modulesDeclaredOn(report: Report, lineText: string): string[] {
  const roots = unique(report.graph.modules.filter((m) => m.parent === null).map((m) => m.path));
  return roots.filter((root) => {
    const name = root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(^|[^\\w$.])(this\\.)?${name}\\s*=[^=]`).test(lineText);
  });
}

export function buildHover(report: Report, filePath: string, line: number, lineText = ""): string | null {
  const defined = report.parameters.filter((p) => p.site && p.site.line === line && siteInFile(p.site, report, filePath));
  if (defined.length) {
    const modules = unique(defined.map((p) => p.module ?? "(no module)"));
    const types = modules.map((m) => report.graph.modules.find((g) => g.path === m)?.type).filter(Boolean);
    const head = `**GradLens** — ${plural(defined.length, "parameter")} defined here` +
      (modules.length === 1 && defined[0]!.module ? ` (\`${modules[0]}\`${types[0] ? `, ${types[0]}` : ""})` : "");
    const why = causes(defined);
    return [head, "", ...table(defined), ...(why.length ? ["", "Why not updated:", ...why] : [])].join("\n");
  }
  const roots = modulesDeclaredOn(report, lineText);
  if (!roots.length) return null;
  const sections = roots.map((root) => {
    const params = report.parameters.filter((p) => p.name.startsWith(`${root}.`));
    const type = report.graph.modules.find((m) => m.path === root)?.type;
    const counts = unique(params.map((p) => p.status)).map((s) => `${params.filter((p) => p.status === s).length} ${STATUS_BADGE[s]}`);
    const why = causes(params);
    return [
      `**GradLens** — module \`${root}\`${type ? ` (${type})` : ""}: ${plural(params.length, "parameter")}${counts.length ? ` — ${counts.join(", ")}` : ""}`,
      "",
      ...table(params),
      ...(why.length ? ["", "Why not updated:", ...why] : []),
    ].join("\n");
  });
  return sections.join("\n\n---\n\n");
}
