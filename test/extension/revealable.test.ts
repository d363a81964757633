// The webview's reveal requests: only locations of the current report, with integer positions.
import { describe, expect, it } from "vitest";
import { revealable } from "../../src/extension/core/revealable";
import { isWebviewToExtensionMessage } from "../../src/protocol/webviewMessages";
import { GOOD_FILE, goodGanReport } from "../fixtures/extension/ganReports";

describe("reveal requests from the graph webview", () => {
  const report = goodGanReport();
  const cut = report.cuts[0]!;

  it("opens a site the report names (any column on its line)", () => {
    expect(revealable(report, { file: GOOD_FILE, line: cut.line, column: 3 })).toEqual({ file: GOOD_FILE, line: cut.line, column: 3 });
    const param = report.parameters[0]!.site!;
    expect(revealable(report, param)).toEqual(param);
  });

  it("refuses other files, lines the report does not name, and positions that are not positive integers", () => {
    expect(revealable(report, { file: "/etc/passwd", line: 1, column: 1 })).toBeNull();
    expect(revealable(report, { file: GOOD_FILE, line: 2, column: 1 })).toBeNull();
    for (const line of [Number.NaN, Infinity, cut.line + 0.5, -cut.line, 0]) expect(revealable(report, { file: GOOD_FILE, line, column: 1 })).toBeNull();
    expect(revealable(report, { file: GOOD_FILE, line: cut.line, column: Number.NaN })).toBeNull();
    expect(revealable(null, { file: GOOD_FILE, line: cut.line, column: 1 })).toBeNull();
  });

  it("the message check already drops non-integer positions", () => {
    expect(isWebviewToExtensionMessage({ type: "reveal", site: { file: GOOD_FILE, line: Number.NaN, column: 1 } })).toBe(false);
    expect(isWebviewToExtensionMessage({ type: "reveal", site: { file: GOOD_FILE, line: 32, column: 1.5 } })).toBe(false);
    expect(isWebviewToExtensionMessage({ type: "reveal", site: { file: GOOD_FILE, line: 32, column: 46 } })).toBe(true);
  });
});
