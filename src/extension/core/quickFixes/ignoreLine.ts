// "Ignore GLxxx on this line": the suppression comment the analysis honours (`// gradlens-ignore GL004`
// in TypeScript, `# gradlens-ignore GL004` in Python; docs/findings.md "Silencing one finding"):
// added to the codes of a directive already on the line (or alone on the line above), else at the end
// of the line, or alone on a line above when the line has a comment of its own already (the analysis
// reads only a comment that starts with the directive).
import type { TextEditSpec } from "./ast";

export const IGNORE_COMMENT = "gradlens-ignore";

export type CommentSyntax = "//" | "#";

interface Line {
  start: number;
  text: string;
}

function lineAt(text: string, line: number): Line | null {
  let start = 0;
  for (let i = 1; i < line; i++) {
    const next = text.indexOf("\n", start);
    if (next < 0) return null;
    start = next + 1;
  }
  const next = text.indexOf("\n", start);
  const end = next < 0 ? text.length : next > start && text[next - 1] === "\r" ? next - 1 : next;
  return { start, text: text.slice(start, end) };
}

const at = (line: number, column: number, newText: string, endColumn = column): TextEditSpec => ({
  range: { line, column, endLine: line, endColumn },
  newText,
});

export function ignoreOnLine(text: string, line: number, code: string, comment: CommentSyntax = "//"): { title: string; edits: TextEditSpec[] } | null {
  if (!/^GL\d+$/.test(code)) return null;
  const own = lineAt(text, line);
  if (own === null) return null;
  const title = `Ignore ${code} on this line`;
  const directive = new RegExp(`${comment}\\s*${IGNORE_COMMENT}((?:[\\s,]+GL\\d+)*)`);
  const above = line > 1 ? lineAt(text, line - 1) : null;
  // The line's own directive, or one alone on the line above (it applies to this line).
  for (const [where, l] of [[line, own], [line - 1, above]] as const) {
    if (l === null) continue;
    const m = directive.exec(l.text);
    if (!m || (where !== line && l.text.slice(0, m.index).trim() !== "")) continue;
    if (m[1]!.split(/[\s,]+/).includes(code)) return null;
    return { title, edits: [at(where, m.index + m[0].length + 1, `, ${code}`)] };
  }
  const trimmed = own.text.trimEnd().length;
  if (own.text.includes(comment)) {
    const indent = /^\s*/.exec(own.text)![0];
    return { title, edits: [at(line, 1, `${indent}${comment} ${IGNORE_COMMENT} ${code}\n`)] };
  }
  return { title, edits: [at(line, trimmed + 1, `${trimmed ? " " : ""}${comment} ${IGNORE_COMMENT} ${code}`, own.text.length + 1)] };
}
