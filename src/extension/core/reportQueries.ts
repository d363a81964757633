// Small lookups over a Report shared by the lens, hover, gutter and quick-fix builders.
import type { BackwardReport, ParameterReport, Report, SourceSite } from "../../protocol/report";
import type { StaticScan, StaticSite } from "../../static/types";
import { siteInFile } from "./files";

export function parametersByName(report: Report): Map<string, ParameterReport> {
  return new Map(report.parameters.map((p) => [p.name, p]));
}

/** "a, b (+2)": the first `shown` names, then how many more. */
export function listNames(names: readonly string[], shown = 2): string {
  const head = names.slice(0, shown).join(", ");
  return names.length > shown ? `${head} (+${names.length - shown})` : head;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}

/** Top-level modules the analysis counts by (the keys of the backwards' byModule), in first-seen order. */
export function topLevelModules(report: Report): string[] {
  return unique(report.backwards.flatMap((b) => Object.keys(b.byModule)));
}

/** The top-level module a parameter name belongs to, among the given ones. */
export function topLevelModuleOf(name: string, modules: readonly string[]): string | null {
  let best: string | null = null;
  for (const m of modules) {
    if ((name === m || name.startsWith(`${m}.`)) && (best === null || m.length > best.length)) best = m;
  }
  return best;
}

/**
 * The static site a runtime site refers to, by line: a site of one of the kinds whose anchor is at the
 * position, else one containing it, else the first one starting or anchored on the line.
 */
export function staticSiteFor(
  scan: StaticScan | null,
  site: SourceSite,
  kinds: readonly StaticSite["kind"][],
): StaticSite | null {
  if (!scan) return null;
  const candidates = scan.sites.filter((s) => kinds.includes(s.kind));
  const onLine = candidates.filter((s) => s.anchorLine === site.line || s.line === site.line);
  return (
    onLine.find((s) => s.anchorLine === site.line && s.anchorColumn === site.column) ??
    onLine.find((s) => s.line === site.line && s.column === site.column) ??
    onLine.find((s) => s.line <= site.line && site.line <= s.endLine && (s.line < site.line || s.column <= site.column) && (s.endLine > site.line || site.column < s.endColumn)) ??
    onLine[0] ??
    null
  );
}

/** The loss a backward() was called on (`lossG`), or "backward() at line N". */
export function backwardName(backward: BackwardReport, scan: StaticScan | null): string {
  const site = staticSiteFor(scan, backward, ["backward"]);
  return site?.receiver ? site.receiver : `backward() at line ${backward.line}`;
}

/** Report items that lie in the file, grouped by line. */
export function byLineInFile<T extends SourceSite>(items: readonly T[], report: Report, filePath: string): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of items) {
    if (!siteInFile(item, report, filePath)) continue;
    const list = out.get(item.line) ?? [];
    list.push(item);
    out.set(item.line, list);
  }
  return out;
}
