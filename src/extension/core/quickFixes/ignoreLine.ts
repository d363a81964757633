// "Ignore GLxxx on this line": the suppression comment the analysis honours (`// gradlens-ignore GL004`),
// at the end of the finding's line, or added to the codes of the one already there.
import type { TextEditSpec } from "./ast";
import type { ParsedSource } from "./ast";
import { offsetOf, rangeOf } from "./ast";

export const IGNORE_COMMENT = "gradlens-ignore";

export function ignoreOnLine(src: ParsedSource, line: number, code: string): { title: string; edits: TextEditSpec[] } | null {
  if (!/^GL\d+$/.test(code)) return null;
  const start = offsetOf(src, line, 1);
  const next = src.text.indexOf("\n", start);
  const end = next < 0 ? src.text.length : next > start && src.text[next - 1] === "\r" ? next - 1 : next;
  const text = src.text.slice(start, end);
  const existing = new RegExp(`//\\s*${IGNORE_COMMENT}((?:[\\s,]+GL\\d+)*)`).exec(text);
  if (existing) {
    if (existing[1]!.split(/[\s,]+/).includes(code)) return null;
    const at = start + existing.index + existing[0].length;
    return { title: `Ignore ${code} on this line`, edits: [{ range: rangeOf(src, at, at), newText: ` ${code}` }] };
  }
  const trimmed = text.trimEnd().length;
  return { title: `Ignore ${code} on this line`, edits: [{ range: rangeOf(src, start + trimmed, end), newText: `${trimmed ? " " : ""}// ${IGNORE_COMMENT} ${code}` }] };
}
