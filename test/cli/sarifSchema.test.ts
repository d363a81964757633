import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { toSarif } from "../../src/cli/formatSarif";
import type { Report } from "../../src/protocol/report";

// The official SARIF 2.1.0 schema (draft-04), as shipped in @microsoft/jest-sarif, committed here.
const schema = JSON.parse(readFileSync(join(__dirname, "../fixtures/sarif/sarif-schema-2.1.0.json"), "utf8"));
// the schema's language pattern is not valid under the `u` flag Ajv uses by default
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const reportDirs = [join(__dirname, "../fixtures/reports")];
const reports: Array<[string, Report]> = reportDirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f, JSON.parse(readFileSync(join(dir, f), "utf8")) as Report] as [string, Report])
    .filter(([, r]) => Array.isArray(r.findings) && Array.isArray(r.parameters)),
);

describe("SARIF output validates against the official SARIF 2.1.0 schema", () => {
  it("has reports with findings to check", () => {
    expect(reports.length).toBeGreaterThan(3);
    expect(reports.some(([, r]) => r.findings.length > 0)).toBe(true);
  });

  it.each(reports)("%s", (_name, report) => {
    const sarif = toSarif(report, "0.1.0");
    const ok = validate(sarif);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
    expect(ok).toBe(true);
    expect(sarif.runs[0].results).toHaveLength(report.findings.length);
  });

  it("a run that failed is still valid SARIF, with the error's location", () => {
    const [, base] = reports[0];
    const failed: Report = {
      ...base,
      findings: [],
      error: { kind: "exception", message: "boom", file: "model.ts", line: 7, column: 3 },
      stopped: { reason: "error", message: "boom", file: "model.ts", line: 7, column: 3 },
    };
    expect(validate(toSarif(failed, "0.1.0"))).toBe(true);
  });

  it("the schema rejects what SARIF forbids (so the check above can fail)", () => {
    const [, report] = reports.find(([, r]) => r.findings.length > 0)!;
    const sarif = toSarif(report, "0.1.0") as unknown as { runs: Array<{ results: Array<{ level: string }> }> };
    sarif.runs[0].results[0].level = "fatal";
    expect(validate(sarif)).toBe(false);
  });
});
