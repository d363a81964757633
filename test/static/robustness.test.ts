// The scan never throws: broken or odd input yields what the tolerant parser recovered.
import { describe, expect, it } from "vitest";
import { scanSource } from "../../src/static";

describe("robustness", () => {
  it("reports syntax errors and still finds the sites around them", () => {
    const text = [
      'import { noGrad } from "gradlens";',
      "const y = x.detach(;",
      "if (ready {",
      "  loss.backward();",
      "noGrad(() => { z.detach_() ",
    ].join("\n");
    const scan = scanSource(text, "broken.ts");
    expect(scan.syntaxErrors.length).toBeGreaterThan(0);
    expect(scan.syntaxErrors[0]).toEqual({ message: "')' expected.", line: 2, column: 20 });
    expect(scan.sites.map((s) => [s.kind, s.line])).toEqual([
      ["detach", 2],
      ["backward", 4],
      ["no-grad", 5],
      ["detach_", 5],
    ]);
  });

  it.each([
    ["empty", ""],
    ["only whitespace", "\n\n   \n"],
    ["binary garbage", "\u0000\u0001\uFFFF}}}{{{((("],
    ["unterminated string", 'const s = "abc'],
    ["unterminated template and comment", "const s = `${x.detach(\n/* never closed"],
    ["dangling operators", "x.requiresGrad = ;\n.detach();\nnew ;\nsetGradEnabled(false"],
    ["deep nesting", "(".repeat(2000) + "x.detach()" + ")".repeat(2000)],
    ["tsx-like markup in .ts", "const a = <div>{x.detach()}</div>;"],
  ])("does not throw on %s", (_name, text) => {
    const scan = scanSource(text, "odd.ts");
    expect(Array.isArray(scan.sites)).toBe(true);
    expect(scan.fileName).toBe("odd.ts");
  });

  it("an empty file scans to nothing", () => {
    expect(scanSource("", "empty.ts")).toEqual({ fileName: "empty.ts", sites: [], trainingUnits: [], imports: {}, syntaxErrors: [] });
  });
});
