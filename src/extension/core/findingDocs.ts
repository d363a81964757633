// Where a finding code's documentation is: its section of the bundled docs/findings.md, rendered.
// The diagnostic's code links to a command (a plain file link would open raw Markdown at line 1);
// the command opens VS Code's Markdown preview, which scrolls to a fragment naming a heading's id.
import { RULES_BY_CODE } from "../../analysis/rules";

export const OPEN_DOCS_COMMAND = "gradlens.openFindingDocs";

/** The id VS Code's Markdown preview (GitHub's slugger) gives a heading. */
export function headingSlug(heading: string): string {
  return encodeURI(
    heading
      .trim()
      .toLowerCase()
      .replace(/\s+/g, "-")
      .replace(/[\][!/'"#$%&()*+,./:;<=>?@\\^{|}~`。，、；：？！…—·ˉ¨‘’“”々～‖∶＂＇｀｜〃〔〕〈〉《》「」『』．〖〗【】（）［］｛｝]/g, "")
      .replace(/^-+/, "")
      .replace(/-+$/, ""),
  );
}

/** The fragment of a code's section (its heading is "GL004 <title>", as the docs test checks), or null for an undocumented code. */
export function findingDocsFragment(code: string): string | null {
  const rule = RULES_BY_CODE.get(code.toUpperCase());
  return rule ? headingSlug(`${rule.code} ${rule.title}`) : null;
}

/** The diagnostic code's link target: the command with the code as its argument. */
export function findingDocsCommandUri(code: string): string | null {
  return findingDocsFragment(code) ? `command:${OPEN_DOCS_COMMAND}?${encodeURIComponent(JSON.stringify([code]))}` : null;
}
