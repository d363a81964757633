// A report as seen in one file after edits: its sites in that file moved to their current lines, and
// sites whose line was edited or deleted since the check dropped (a removed site loses its lens; a
// retyped one gets the static lens again). The graph keeps the lines the run saw.
import type { Report, SourceSite } from "../../protocol/report";
import { siteInFile } from "./files";
import type { LineMap } from "./lineMap";

export function remapReport(report: Report, filePath: string, map: LineMap): Report {
  if (map.edited.size === 0 && sameLines(report, filePath, map)) return report;
  /** The site on its current line; null when it is in this file and its line did not survive. */
  const move = <T extends SourceSite & { endLine?: number }>(site: T): T | null => {
    if (!siteInFile(site, report, filePath)) return site;
    const line = map.toCurrent(site.line);
    if (line === null) return null;
    const moved = { ...site, line };
    if (site.endLine !== undefined) moved.endLine = map.toCurrent(site.endLine) ?? line + (site.endLine - site.line);
    return moved;
  };
  const kept = <T extends SourceSite>(list: readonly T[]): T[] => list.map(move).filter((s): s is T => s !== null);
  /** For text that points at a site (a cause, a related site): its current line when it has one. */
  const pointer = <T extends SourceSite>(site: T): T => move(site) ?? site;
  return {
    ...report,
    parameters: report.parameters.map((p) => ({ ...p, site: p.site && move(p.site), cause: p.cause && pointer(p.cause) })),
    findings: kept(report.findings).map((f) => ({ ...f, related: f.related.map(pointer) })),
    cuts: kept(report.cuts),
    optimizers: kept(report.optimizers),
    backwards: kept(report.backwards),
  };
}

/** Nothing moved: every line of the file maps to itself (the common case right after a check). */
function sameLines(report: Report, filePath: string, map: LineMap): boolean {
  const sites: SourceSite[] = [...report.cuts, ...report.optimizers, ...report.backwards, ...report.findings];
  for (const p of report.parameters) if (p.site) sites.push(p.site);
  return sites.every((s) => !siteInFile(s, report, filePath) || map.toCurrent(s.line) === s.line);
}
