import type { SourceSite } from "../protocol/report";
import type { Site } from "../trace/schema";

/** A report site; when the trace has none (no user frame), the checked file's first line stands in. */
export function toSourceSite(site: Site | null, file: string): SourceSite {
  return site === null ? { file, line: 1, column: 1 } : { file: site.file, line: site.line, column: site.column };
}

/** "model.ts:14" for messages. */
export function where(site: Site | null): string {
  if (site === null) return "an unknown line";
  const base = site.file.split(/[\\/]/).pop() ?? site.file;
  return `${base}:${site.line}`;
}

/** "a, b and 3 more" for messages. */
export function listNames(names: readonly string[], max = 4): string {
  if (names.length <= max) {
    return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  }
  return `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}
