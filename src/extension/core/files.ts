// Which file a report site belongs to. The runner reports paths as it was given them (usually the
// absolute path of the checked file) and sites of imported files by their own paths; the editor
// knows documents by absolute path. Comparing normalized paths, with a suffix match for relative
// ones, covers both without touching the file system.
import type { Report } from "../../protocol/report";

export function normalizePath(path: string): string {
  let p = path.replace(/\\/g, "/").replace(/\/\.\//g, "/").replace(/^\.\//, "").replace(/\/{2,}/g, "/");
  // Windows drive letters differ in case between APIs ("c:/" vs "C:/").
  if (/^[A-Za-z]:\//.test(p)) p = p[0]!.toLowerCase() + p.slice(1);
  return p;
}

function isAbsolute(p: string): boolean {
  return p.startsWith("/") || /^[a-z]:\//.test(p);
}

/** Does a path as reported name the file at `filePath` (absolute)? */
export function samePath(reported: string, filePath: string): boolean {
  const a = normalizePath(reported);
  const b = normalizePath(filePath);
  if (a === b) return true;
  return !isAbsolute(a) && a.length > 0 && b.endsWith("/" + a);
}

/** Is the report about the file at `filePath`? */
export function reportIsFor(report: Pick<Report, "file">, filePath: string): boolean {
  return samePath(report.file, filePath);
}

/** Does the site lie in the file at `filePath`? */
export function siteInFile(site: { file: string }, report: Pick<Report, "file">, filePath: string): boolean {
  if (samePath(site.file, filePath)) return true;
  // A site that names the checked file by the report's own spelling of it.
  return normalizePath(site.file) === normalizePath(report.file) && reportIsFor(report, filePath);
}

export function baseName(path: string): string {
  const p = normalizePath(path);
  return p.slice(p.lastIndexOf("/") + 1);
}
