import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Report } from "../../src/protocol/report";
import { formatText } from "../../src/cli/formatText";
import { toSarif } from "../../src/cli/formatSarif";
import { exitCodeFor } from "../../src/cli/exitCode";

// The formatters on a stored report (test/fixtures/reports/branch-detach.json): x cut by a detach at
// line 7, q updated.

const fixture = (): Report =>
  JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/reports/branch-detach.json", import.meta.url)), "utf8"));

describe("formatText", () => {
  const report = fixture();
  const text = formatText(report);

  it("has one table row per parameter with its facts and cause", () => {
    const x = text.split("\n").find((l) => l.startsWith("x "))!;
    expect(x.split(/\s{2,}/)).toEqual(["x", "[3]", "3", "yes", "no", "opt[0] lr=0.1", "no", "cut: detach at examples/branch-detach.ts:7"]);
    const q = text.split("\n").find((l) => l.startsWith("q "))!;
    expect(q.split(/\s{2,}/)).toEqual(["q", "[3]", "3", "yes", "yes", "opt[0] lr=0.1", "yes"]);
  });
  it("lists each finding with its code and file:line:column", () => {
    for (const f of report.findings) expect(text).toContain(`${f.code}  ${f.file}:${f.line}:${f.column}  ${f.message}`);
  });
  it("ends with where the run stopped", () => {
    expect(text).toContain(`Stopped: ${report.stopped.message}`);
  });
});

describe("toSarif", () => {
  it("maps findings to results with rule ids, levels and locations", () => {
    const report = fixture();
    const log = toSarif(report, "0.1.0");
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([...new Set(report.findings.map((f) => f.code))].sort());
    expect(run.results).toHaveLength(report.findings.length);
    const [first] = run.results;
    const f = report.findings[0];
    expect(first.ruleId).toBe(f.code);
    expect(first.level).toBe(f.severity === "info" ? "note" : f.severity);
    expect(first.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: f.file, uriBaseId: "%SRCROOT%" },
      region: { startLine: f.line, startColumn: f.column },
    });
    expect(run.invocations[0].executionSuccessful).toBe(true);
  });
});

describe("exitCodeFor", () => {
  it("is 2 for a run error, 1 for an error finding, else 0", () => {
    const r = fixture();
    expect(exitCodeFor({ ...r, findings: [] })).toBe(0);
    expect(exitCodeFor({ ...r, findings: [{ ...r.findings[0], severity: "error" }] })).toBe(1);
    expect(exitCodeFor({ ...r, findings: [{ ...r.findings[0], severity: "warning" }] })).toBe(0);
    expect(exitCodeFor({ ...r, error: { kind: "syntax", message: "x", file: "a.ts", line: 1, column: 1 } })).toBe(2);
  });
});
