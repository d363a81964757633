// Questions the editor asks of a scan: which region is this line in, which site is at this
// position (to match a site reported by a run), what is on this line.
import { rangeContains, rangeEncloses } from "./positions";
import type { RegionSite, SourceRange, StaticCutKind, StaticScan, StaticSite } from "./types";

const CUT_KINDS: ReadonlySet<string> = new Set<StaticCutKind>([
  "detach",
  "detach_",
  "no-grad",
  "set-grad-enabled-false",
  "requires-grad-false",
]);

export function isCutSite(site: StaticSite): boolean {
  return CUT_KINDS.has(site.kind);
}

export function isRegionSite(site: StaticSite): site is RegionSite {
  return site.kind === "no-grad" || site.kind === "set-grad-enabled-false" || site.kind === "enable-grad";
}

/**
 * The innermost grad-mode region (noGrad, setGradEnabled(false), enableGrad) covering the position.
 * Without a column, any region touching the line counts.
 */
export function findRegionAt(scan: StaticScan, line: number, column?: number): RegionSite | null {
  let best: RegionSite | null = null;
  for (const site of scan.sites) {
    if (!isRegionSite(site) || !site.region) continue;
    const covers =
      column === undefined ? line >= site.region.line && line <= site.region.endLine : rangeContains(site.region, line, column);
    if (covers && (!best || rangeEncloses(best.region!, site.region))) best = site;
  }
  return best;
}

/** Is gradient recording off at the position, as far as the scan can tell (an enableGrad inside a noGrad turns it back on)? */
export function isGradDisabledAt(scan: StaticScan, line: number, column?: number): boolean {
  const region = findRegionAt(scan, line, column);
  return region !== null && region.kind !== "enable-grad";
}

/**
 * The site a runtime position refers to: first one whose anchor (where stack traces point) is
 * exactly there, else the smallest one whose range contains it. Optionally only of some kinds.
 */
export function findSiteAt(
  scan: StaticScan,
  line: number,
  column: number,
  kinds?: ReadonlyArray<StaticSite["kind"]>,
): StaticSite | null {
  const candidates = kinds ? scan.sites.filter((s) => kinds.includes(s.kind)) : scan.sites;
  const exact = candidates.find((s) => s.anchorLine === line && s.anchorColumn === column);
  if (exact) return exact;
  let best: StaticSite | null = null;
  for (const site of candidates) {
    if (rangeContains(site, line, column) && (!best || rangeEncloses(best, site))) best = site;
  }
  return best;
}

/** Sites that start or are anchored on the line (for a CodeLens or gutter mark on it). */
export function sitesOnLine(scan: StaticScan, line: number): StaticSite[] {
  return scan.sites.filter((s) => s.line === line || s.anchorLine === line);
}

export function rangeOf(site: StaticSite): SourceRange {
  return { line: site.line, column: site.column, endLine: site.endLine, endColumn: site.endColumn };
}
