import type { Site } from "./schema";

// Names for things the user did not name through a module: the variable a leaf, a root module or an
// optimizer is assigned to at its creation site (`const q = randn(3)` → "q"). Read from the source
// text left of the call, which also covers `x: Tensor = torch.randn(...)` and `this.w = new Parameter(...)`.

export interface SourceText {
  /** the 1-based line of a source file, or null when unknown */
  line(file: string, line: number): string | null;
}

const ASSIGNED =
  /(?:^|[^\w$])([A-Za-z_$][\w$]*)\s*(?::[^=]*?)?=\s*(?:await\s+)?(?:new\s+)?(?:[A-Za-z_$][\w$]*\s*(?:\?\.|\.)\s*)*$/;

export function variableNameAt(text: SourceText, site: Site | null): string | null {
  if (site === null) return null;
  const current = text.line(site.file, site.line);
  if (current === null) return null;
  let prefix = current.slice(0, Math.max(0, site.column - 1));
  // `const q =\n  randn(3)`: the assignment is on the line above
  if (prefix.trim() === "" && site.line > 1) prefix = (text.line(site.file, site.line - 1) ?? "") + " " + prefix;
  const m = ASSIGNED.exec(prefix);
  return m ? m[1] : null;
}
