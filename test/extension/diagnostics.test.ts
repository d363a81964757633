import { describe, expect, it } from "vitest";
import {
  isNotAModel,
  runErrorMessage,
  buildFindingDiagnostics,
  buildRunErrorDiagnostic,
  rangeAt,
  runnerFailureDiagnostic,
} from "../../src/extension/core/diagnostics";
import type { Report } from "../../src/protocol/report";
import { BUGGY_FILE, buggyGanReport, fixtureSource, goodGanReport } from "../fixtures/extension/ganReports";
import { lookupFor } from "./helpers";

const lookup = lookupFor({ [BUGGY_FILE]: fixtureSource("gan-buggy") });

describe("finding diagnostics", () => {
  it("buggy GAN: an error on optG.step() (line 39) with code GL006, docs anchor and related sites", () => {
    const [first, second] = buildFindingDiagnostics(buggyGanReport(), ["error", "warning", "info"], lookup);
    expect(first).toEqual({
      file: BUGGY_FILE,
      range: { line: 39, column: 3, endLine: 39, endColumn: 14 },
      severity: "error",
      message: expect.stringContaining("G is updated with D's loss too"),
      code: "GL006",
      docsTarget: `command:gradlens.openFindingDocs?${encodeURIComponent('["GL006"]')}`,
      related: [
        { file: BUGGY_FILE, line: 34, column: 9, message: "lossD.backward() left gradient in G here" },
        { file: BUGGY_FILE, line: 35, column: 8, message: "optD.step(): the step this backward() was meant for" },
      ],
    });
    // GL011 sits on `G.forward(...)`, not a scanned site: from its column to the end of the line.
    expect(second).toMatchObject({ severity: "info", code: "GL011", range: { line: 28, column: 16, endLine: 28, endColumn: 41 } });
  });

  it("keeps only the chosen severities; a good run has none", () => {
    expect(buildFindingDiagnostics(buggyGanReport(), ["error"], lookup).map((d) => d.code)).toEqual(["GL006"]);
    expect(buildFindingDiagnostics(buggyGanReport(), [], lookup)).toEqual([]);
    expect(buildFindingDiagnostics(goodGanReport(), ["error", "warning", "info"])).toEqual([]);
  });

  it("ranges: from the first non-blank character, and a fallback without text", () => {
    expect(rangeAt(BUGGY_FILE, 27, 1, lookup)).toEqual({ line: 27, column: 3, endLine: 27, endColumn: 37 });
    expect(rangeAt("/elsewhere.ts", 5, 7, lookup)).toEqual({ line: 5, column: 7, endLine: 5, endColumn: 8 });
  });
});

describe("run failures", () => {
  const failed = (error: Report["error"]): Report => ({ ...buggyGanReport(), findings: [], error });

  it("an exception becomes one error diagnostic at its line, with the runner's words", () => {
    const d = buildRunErrorDiagnostic(
      failed({ file: BUGGY_FILE, line: 31, column: 17, kind: "exception", message: "RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x3 and 2x16)" }),
      lookup,
    );
    expect(d).toMatchObject({ file: BUGGY_FILE, severity: "error", code: "run-exception", range: { line: 31, column: 17 } });
    expect(d!.message).toBe(
      "GradLens could not finish the check: the model threw an exception: RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x3 and 2x16)",
    );
  });

  it("a timeout says which setting to change; a missing line falls back to line 1", () => {
    const d = buildRunErrorDiagnostic(failed({ file: "", line: 0, column: 0, kind: "timeout", message: "no result after 30 s" }), lookup);
    expect(d).toMatchObject({ file: BUGGY_FILE, range: { line: 1, column: 1 } });
    expect(d!.message).toContain("gradlens.timeoutSeconds");
  });

  it("a cancelled or successful run makes no diagnostic; a runner crash does", () => {
    expect(buildRunErrorDiagnostic(failed({ file: BUGGY_FILE, line: 3, column: 1, kind: "cancelled", message: "" }))).toBeNull();
    expect(buildRunErrorDiagnostic(buggyGanReport())).toBeNull();
    expect(runnerFailureDiagnostic(BUGGY_FILE, new Error("worker exited with code 1"))).toMatchObject({
      range: { line: 1, column: 1 },
      message: "GradLens could not run the check: worker exited with code 1",
    });
  });
});

describe("a file that is not a model", () => {
  it("the runner's missing-import for a file without the engine is recognised (an information, not an error)", () => {
    expect(isNotAModel({ kind: "missing-import", message: 'the file does not import "gradlens": GradLens checks model code written against its engine' })).toBe(true);
    expect(isNotAModel({ kind: "missing-import", message: '"gradlens" has no export named "tensr"' })).toBe(false);
    expect(isNotAModel({ kind: "syntax", message: 'the file does not import "gradlens"' })).toBe(false);
  });
  it("timeout and memory advice fits an endless loop too, not only a limit to raise", () => {
    const timeout = runErrorMessage({ kind: "timeout", message: "no result after 5 s" });
    expect(timeout).toContain("The line shown is the last one that ran. If a loop there never ends, fix it");
    expect(runErrorMessage({ kind: "memory", message: "over 256 MB" })).toContain("a loop that keeps allocating");
  });
});
