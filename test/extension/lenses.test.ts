import { describe, expect, it } from "vitest";
import { buildLenses, cutFacts } from "../../src/extension/core/lenses";
import { scanSource } from "../../src/static";
import type { Report } from "../../src/protocol/report";
import { BUGGY_FILE, GOOD_FILE, buggyGanReport, fixtureSource, goodGanReport } from "../fixtures/extension/ganReports";

const goodScan = scanSource(fixtureSource("gan-good"), GOOD_FILE);
const buggyScan = scanSource(fixtureSource("gan-buggy"), BUGGY_FILE);
const titles = (specs: ReturnType<typeof buildLenses>) => specs.map((s) => [s.line, s.title]);

describe("CodeLens before a check (static scan only)", () => {
  it("one entry point on the first site, counting what the check will explain, not one lens per site", () => {
    const specs = buildLenses(goodScan, null, GOOD_FILE);
    expect(titles(specs)).toEqual([[23, "$(pulse) GradLens: run the gradient-flow check to see what 1 cut, 2 optimizers and 2 backward() calls do"]]);
    expect(specs[0]).toMatchObject({ command: "check", kind: "optimizer", column: 14 });
  });

  it("ignores a report about another file", () => {
    expect(buildLenses(goodScan, buggyGanReport(), GOOD_FILE).map((s) => s.command)).toEqual(["check"]);
  });

  it("no lens on a file with nothing to explain", () => {
    expect(buildLenses(scanSource('import { nn } from "gradlens";\nexport const net = new nn.Linear(2, 1);\n', "/ws/net.ts"), null, "/ws/net.ts")).toEqual([]);
  });
});

describe("CodeLens after a check", () => {
  it("good GAN: the detach is harmless, optimizers update all, backwards reach D / both", () => {
    const specs = buildLenses(goodScan, goodGanReport(), GOOD_FILE);
    expect(titles(specs)).toEqual([
      [23, "steps 4 parameters: all updated ✓"],
      [24, "steps 4 parameters: all updated ✓"],
      [32, "cuts gradient to G.fc1.weight, G.fc1.bias (+2) — they get gradient from lossG ✓"],
      [34, "reaches 4 parameters in D, 0 in G"],
      [39, "reaches 4 parameters in D, 4 in G"],
    ]);
    // On the static sites' own positions.
    expect(specs[2]).toMatchObject({ line: 32, column: 46, endLine: 32, endColumn: 59 });
    expect(specs.every((s) => s.command === "showGraph" && s.focusLine === s.line)).toBe(true);
  });

  it("matches a report that names the file relatively", () => {
    const report = goodGanReport("gan-good.ts");
    expect(buildLenses(goodScan, report, GOOD_FILE)[2]!.title).toMatch(/^cuts gradient to/);
  });

  it("buggy GAN: lossD.backward reaches G too, and optG's lens carries GL006 instead of a ✓", () => {
    const specs = buildLenses(buggyScan, buggyGanReport(), BUGGY_FILE);
    expect(titles(specs)).toEqual([
      [23, "steps 4 parameters: all updated — ✗ GL006"],
      [24, "steps 4 parameters: all updated ✓"],
      [34, "reaches 4 parameters in D, 4 in G"],
      [38, "reaches 4 parameters in D, 4 in G"],
    ]);
  });

  it("a cut that leaves stepped parameters without gradient is flagged, and the optimizer counts them", () => {
    const report: Report = goodGanReport();
    report.cuts[0]!.gotGradElsewhere = [];
    for (const p of report.parameters.filter((p) => p.name.startsWith("G."))) {
      Object.assign(p, { gotGrad: false, updated: false, status: "cut", gradNorm: null, reachedBy: [] });
    }
    report.backwards[1]!.reached = report.backwards[1]!.reached.filter((n) => n.startsWith("D."));
    const specs = buildLenses(goodScan, report, GOOD_FILE);
    expect(titles(specs)).toEqual([
      [23, "steps 4 parameters: 0 updated, 4 cut"],
      [24, "steps 4 parameters: all updated ✓"],
      [32, "cuts 4 parameters that optimizer `optG` steps ✗"],
      [34, "reaches 4 parameters in D, 0 in G"],
      [39, "reaches 4 parameters in D, 0 in G"],
    ]);
  });

  it("one voice: GL004 at the optimizer's line replaces the ✓; the report's own `updated` lists are the counts", () => {
    const report = goodGanReport();
    report.findings.push({
      file: GOOD_FILE, line: 24, column: 14, code: "GL004", severity: "warning", related: [], parameters: ["E.weight"],
      message: "E.weight gets a gradient but no optimizer holds it.",
    });
    // The analysis fills `updated`/`notUpdated` from the same parameter facts; the lens reads them.
    Object.assign(report.optimizers[0]!, { updated: ["G.fc1.weight", "G.fc1.bias"], notUpdated: ["G.fc2.weight", "G.fc2.bias"] });
    for (const p of report.parameters.filter((p) => p.name.startsWith("G.fc2"))) Object.assign(p, { updated: false, status: "grad-not-applied" });
    const specs = buildLenses(goodScan, report, GOOD_FILE);
    expect(titles(specs).slice(0, 2)).toEqual([
      [23, "steps 4 parameters: 2 updated, 2 gradient not applied"],
      [24, "steps 4 parameters: all updated — ⚠ GL004"],
    ]);
    expect(specs[1]!.tooltip).toBe("`optD` (Adam), 3 steps in the checked run. Click to list the parameters.\nGL004: E.weight gets a gradient but no optimizer holds it.");
    // The lens names what it counts: clicking lists these.
    expect(specs[0]!.parameters).toEqual(["G.fc1.weight", "G.fc1.bias", "G.fc2.weight", "G.fc2.bias"]);
    expect(specs.find((s) => s.line === 34)!.parameters).toEqual(["D.fc1.weight", "D.fc1.bias", "D.fc2.weight", "D.fc2.bias"]);
    expect(specs.find((s) => s.line === 32)!.parameters).toBeUndefined();
  });

  it("a cut that cut nothing gets no lens (reported or not); an unscanned report site still gets one", () => {
    const report = goodGanReport();
    report.cuts = [];
    report.backwards.push({ file: GOOD_FILE, line: 9, column: 5, index: 2, reached: [], byModule: { D: 0, G: 0 } });
    const specs = buildLenses(goodScan, report, GOOD_FILE);
    expect(specs.find((s) => s.line === 32)).toBeUndefined();
    expect(specs.find((s) => s.line === 9)).toMatchObject({ title: "reaches no parameter ✗", column: 5, command: "showGraph" });
    const nothing = goodGanReport();
    nothing.cuts[0]!.blocked = [];
    nothing.cuts[0]!.gotGradElsewhere = [];
    expect(buildLenses(goodScan, nothing, GOOD_FILE).find((s) => s.line === 32)).toBeUndefined();
  });

  it("cut facts: a cut of unoptimized parameters, and one of nothing", () => {
    const report = goodGanReport();
    for (const p of report.parameters) p.optimizers = [];
    const cut = { ...report.cuts[0]!, gotGradElsewhere: [] };
    expect(cutFacts("noGrad", [cut], report, goodScan).title).toBe(
      "cuts gradient to G.fc1.weight, G.fc1.bias (+2) — no optimizer steps them",
    );
    expect(cutFacts("noGrad", [{ ...cut, blocked: [] }], report, goodScan).title).toBe("noGrad — cuts no parameter's gradient");
  });

  it("cut facts: a requiresGrad = false site says what it froze, not that it cut them", () => {
    const report = goodGanReport();
    const frozen = ["G.fc1.weight", "G.fc1.bias"];
    for (const p of report.parameters.filter((p) => frozen.includes(p.name))) {
      Object.assign(p, { requiresGrad: false, gotGrad: false, updated: false, status: "frozen", optimizers: ["optG"] });
    }
    const cut = { ...report.cuts[0]!, kind: "requires-grad-false" as const, blocked: frozen, gotGradElsewhere: [] };
    expect(cutFacts("requiresGrad = false", [cut], report, goodScan).title).toBe(
      "freezes G.fc1.weight, G.fc1.bias — `optG` still holds them (no gradient, skipped)",
    );
    for (const p of report.parameters) p.optimizers = [];
    expect(cutFacts("requiresGrad = false", [cut], report, goodScan).title).toBe("freezes G.fc1.weight, G.fc1.bias");
  });
});
