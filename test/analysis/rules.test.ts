import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RULES, ruleFor } from "../../src/analysis/rules";
import { toSarif } from "../../src/cli/formatSarif";
import { formatText } from "../../src/cli/formatText";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import type { Report } from "../../src/protocol/report";

// The rules table is the one source: docs/findings.md must have, per rule, its anchor, its heading
// with the table's title, its severity, and exactly the table's silent-on patterns.

const docs = readFileSync(join(__dirname, "../../docs/findings.md"), "utf8");
const squash = (s: string) => s.split(/\s+/).join(" ").trim();

function section(anchor: string): string {
  const start = docs.indexOf(`<a id="${anchor}"></a>`);
  if (start < 0) return "";
  const next = docs.indexOf('<a id="', start + 1);
  return docs.slice(start, next < 0 ? undefined : next);
}

function silentOnList(text: string): string[] {
  const m = /\*\*Stays silent on:\*\*\n([\s\S]*?)(?:\n\n|$)/.exec(text);
  if (m === null) return [];
  return ("\n" + m[1].trim()).split(/\n- /).map(squash).filter((s) => s !== "");
}

describe("the rules table and docs/findings.md", () => {
  it("lists GL001–GL011 in order, once each", () => {
    expect(RULES.map((r) => r.code)).toEqual(["GL001", "GL002", "GL003", "GL004", "GL005", "GL006", "GL007", "GL008", "GL009", "GL010", "GL011"]);
  });

  for (const rule of RULES) {
    it(`${rule.code}: anchor, heading, severity and silent-on patterns match the table`, () => {
      const text = section(rule.anchor);
      expect(text, `docs/findings.md has no <a id="${rule.anchor}">`).not.toBe("");
      expect(text).toContain(`## ${rule.code} ${rule.title}\n`);
      expect(/\*\*Severity:\*\* (\w+)/.exec(text)?.[1]).toBe(rule.severity);
      expect(silentOnList(text)).toEqual(rule.silentOn.map(squash));
    });
  }

  it("a finding above its rule's severity, or with an unknown code, is a programming error", () => {
    expect(() => ruleFor("GL008", "warning")).toThrow(/GL008 reported at warning, above its rule's info/);
    expect(() => ruleFor("GL099", "info")).toThrow(/not in the rules table/);
    expect(ruleFor("GL007", "info").code).toBe("GL007");
  });

  it("SARIF rule metadata comes from the table: title and default level (no help URI: the docs ship in the package)", () => {
    const finding = { code: "GL005", severity: "warning" as const, message: "m", parameters: [], related: [], file: "a.ts", line: 1, column: 1 };
    const report = { findings: [finding], error: null } as unknown as Report;
    const sarif = toSarif(report, "0.0.0");
    expect(sarif.runs[0].tool.driver.rules).toEqual([
      {
        id: "GL005", name: "GL005", shortDescription: { text: "Gradient accumulated from several backward() calls" },
        defaultConfiguration: { level: "warning" },
      },
    ]);
  });

  it("a suppressed finding is in the SARIF log as suppressed in source (valid SARIF 2.1.0), and in the text summary", () => {
    const schema = JSON.parse(readFileSync(join(__dirname, "../fixtures/sarif/sarif-schema-2.1.0.json"), "utf8"));
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const base = JSON.parse(readFileSync(join(__dirname, "../fixtures/reports/gan.json"), "utf8")) as Report;
    const finding = { code: "GL007", severity: "warning" as const, message: "cut", parameters: ["enc.weight"], related: [], file: "m.ts", line: 9, column: 3 };
    const report: Report = { ...base, findings: [], suppressed: [{ ...finding, by: { file: "m.ts", line: 8, column: 1 } }] };
    const sarif = toSarif(report, "0.1.0");
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(sarif.runs[0].results).toMatchObject([
      { ruleId: "GL007", suppressions: [{ kind: "inSource", location: { physicalLocation: { region: { startLine: 8 } } } }] },
    ]);
    expect(formatText(report)).toContain("Suppressed (1): GL007 at m.ts:9 (gradlens-ignore at line 8)");
  });
});
