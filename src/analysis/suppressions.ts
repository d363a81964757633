import type { Finding, SourceSite } from "../protocol/report";

// `// gradlens-ignore GL007` (`# gradlens-ignore GL007` in a .py file) silences one finding on one
// line, like eslint-disable-next-line: a
// comment alone on its line applies to the next line; a comment after code applies to its own line.
// Several codes may be listed (`// gradlens-ignore GL005, GL007`); without a code it silences
// nothing (a bare ignore-all would hide new problems). Silenced findings move to Report.suppressed,
// so every consumer (CLI, SARIF, the editor's diagnostics) honours the comment without code of its own.

export interface Suppression {
  /** the line whose findings it silences (1-based) */
  line: number;
  codes: string[];
  /** where the comment is */
  by: SourceSite;
}

/** The line's first comment must start with the directive (prose that mentions it is not one). */
const DIRECTIVE = /^(?:\/\/|#)\s*gradlens-ignore\b(.*)$/;

/** The comment marker of the file's language: `#` in Python, `//` in TypeScript/JavaScript. */
function commentMarker(file: string): string {
  return /\.pyw?$/i.test(file) ? "#" : "//";
}

/** The suppression comments of one source file's text. */
export function parseSuppressions(file: string, text: string): Suppression[] {
  const out: Suppression[] = [];
  const marker = commentMarker(file);
  text.split(/\r?\n/).forEach((lineText, i) => {
    const at = lineText.indexOf(marker);
    if (at < 0) return;
    const m = DIRECTIVE.exec(lineText.slice(at));
    if (m === null) return;
    const codes = [...m[1].matchAll(/\bGL\d{3}\b/g)].map((c) => c[0]);
    if (codes.length === 0) return;
    const alone = lineText.slice(0, at).trim() === "";
    out.push({ line: alone ? i + 2 : i + 1, codes, by: { file, line: i + 1, column: at + 1 } });
  });
  return out;
}

/** Splits findings into those that stand and those a comment silences (with the comment's site). */
export function applySuppressions(
  findings: Finding[], suppressions: readonly Suppression[], sameFile: (a: string, b: string) => boolean,
): { findings: Finding[]; suppressed: Array<Finding & { by: SourceSite }> } {
  const kept: Finding[] = [];
  const suppressed: Array<Finding & { by: SourceSite }> = [];
  for (const f of findings) {
    const s = suppressions.find((x) => x.line === f.line && x.codes.includes(f.code) && sameFile(x.by.file, f.file));
    if (s === undefined) kept.push(f);
    else suppressed.push({ ...f, by: s.by });
  }
  return { findings: kept, suppressed };
}
