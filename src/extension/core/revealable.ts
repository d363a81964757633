// What the graph webview may ask the editor to open: only a location the current report names
// (a parameter, op, cut, optimizer, backward, finding or cause site), with finite integer positions.
// The webview renders untrusted program output, so its messages never choose arbitrary files.
import type { Report, SourceSite } from "../../protocol/report";
import { normalizePath } from "./files";

const key = (file: string, line: number) => `${normalizePath(file)}\n${line}`;

function sitesOf(report: Report): SourceSite[] {
  const sites: SourceSite[] = [...report.cuts, ...report.optimizers, ...report.backwards, ...report.findings];
  for (const f of report.findings) sites.push(...f.related);
  for (const p of report.parameters) {
    if (p.site) sites.push(p.site);
    if (p.cause) sites.push(p.cause, ...(p.cause.alsoNeeded ?? []));
  }
  for (const n of report.graph.nodes) if (n.site) sites.push(n.site);
  for (const e of report.graph.edges) if (e.site) sites.push(e.site);
  if (report.error) sites.push(report.error);
  return sites;
}

const isPosition = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 10_000_000;

/** The site to open, or null when the report does not name it or its numbers are not positions. */
export function revealable(report: Report | null, site: SourceSite): SourceSite | null {
  if (!report || !isPosition(site.line) || !isPosition(site.column) || typeof site.file !== "string") return null;
  const wanted = key(site.file, site.line);
  const match = sitesOf(report).find((s) => key(s.file, s.line) === wanted);
  return match ? { file: match.file, line: site.line, column: site.column } : null;
}
