// Finding codes link to their own section of docs/findings.md, by the id the Markdown preview gives the heading.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RULES } from "../../src/analysis/rules";
import { findingDocsCommandUri, findingDocsFragment, headingSlug } from "../../src/extension/core/findingDocs";

const docs = readFileSync(fileURLToPath(new URL("../../docs/findings.md", import.meta.url)), "utf8");

describe("finding documentation links", () => {
  it("slugs headings as VS Code's Markdown preview does (punctuation dropped, spaces to dashes)", () => {
    expect(headingSlug("GL008 Frozen module's BatchNorm statistics still change")).toBe("gl008-frozen-modules-batchnorm-statistics-still-change");
    expect(headingSlug("GL011 backward() computes gradients no optimizer will use")).toBe("gl011-backward-computes-gradients-no-optimizer-will-use");
    expect(headingSlug("  Silencing one finding ")).toBe("silencing-one-finding");
  });

  it("every rule's fragment is the slug of a heading in docs/findings.md", () => {
    const headings = docs.split("\n").filter((l) => l.startsWith("## ")).map((l) => headingSlug(l.slice(3)));
    for (const rule of RULES) expect(headings, rule.code).toContain(findingDocsFragment(rule.code));
    expect(findingDocsFragment("GL004")).toBe("gl004-gradient-computed-for-a-parameter-no-optimizer-holds");
  });

  it("the diagnostic's target is the command with the code; an undocumented code has none", () => {
    expect(findingDocsCommandUri("GL004")).toBe("command:gradlens.openFindingDocs?%5B%22GL004%22%5D");
    expect(findingDocsCommandUri("run-timeout")).toBeNull();
  });
});
