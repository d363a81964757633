// What clicking a lens that counts parameters lists: worst status first, the hover's words, where each was created.
import { describe, expect, it } from "vitest";
import { parameterRows } from "../../src/extension/core/parameterList";
import { GOOD_FILE, goodGanReport } from "../fixtures/extension/ganReports";

describe("parameter list of a lens", () => {
  it("rows worst first, with the cause and the line that created the parameter", () => {
    const report = goodGanReport();
    Object.assign(report.parameters.find((p) => p.name === "G.fc2.bias")!, {
      status: "cut", updated: false, gotGrad: false,
      cause: { file: GOOD_FILE, line: 32, column: 51, message: "detach() at line 32 cut every path" },
    });
    const rows = parameterRows(report, ["G.fc1.weight", "G.fc2.bias", "X.unknown"]);
    expect(rows.map((r) => [r.label, r.description, r.detail])).toEqual([
      ["$(error) G.fc2.bias", "cut — detach() at line 32 cut every path (gan-good.ts:32)", "gan-good.ts:7"],
      ["$(pass) G.fc1.weight", "updated", "gan-good.ts:6"],
      ["$(question) X.unknown", "not in the report", ""],
    ]);
    expect(rows[0]!.site).toEqual({ file: GOOD_FILE, line: 7, column: 9 });
  });
});
