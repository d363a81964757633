import { describe, expect, it } from "vitest";
import { buildGutterMarks } from "../../src/extension/core/gutter";
import { buildHover } from "../../src/extension/core/hover";
import { buildStatus } from "../../src/extension/core/statusBar";
import type { Report } from "../../src/protocol/report";
import { buildLenses } from "../../src/extension/core/lenses";
import { scanSource } from "../../src/static";
import { BUGGY_FILE, GOOD_FILE, buggyGanReport, fixtureSource, goodGanReport } from "../fixtures/extension/ganReports";

/** The good GAN with G cut off by its detach (as if lossG had been computed from fake.detach() too). */
function cutReport(): Report {
  const report = goodGanReport();
  report.cuts[0]!.gotGradElsewhere = [];
  for (const p of report.parameters.filter((p) => p.name.startsWith("G.fc1"))) {
    Object.assign(p, {
      gotGrad: false, updated: false, status: "cut", gradNorm: null, reachedBy: [],
      cause: { file: GOOD_FILE, line: 32, column: 51, kind: "detach", message: "fake.detach() at gan-good.ts:32 stops every gradient to G.fc1" },
    });
  }
  const fc2w = report.parameters.find((p) => p.name === "G.fc2.weight")!;
  Object.assign(fc2w, { updated: false, status: "grad-not-applied", groups: [{ optimizer: "optG", group: 0, lr: 0 }] });
  return report;
}

describe("status bar", () => {
  it("counts what was not updated", () => {
    expect(buildStatus({ kind: "done", report: cutReport() })).toMatchObject({ text: "$(info) GradLens: 2 cut · 1 not applied", tone: "normal", opensReport: true });
  });
  it("all updated; findings set the tone", () => {
    expect(buildStatus({ kind: "done", report: goodGanReport() }).text).toBe("$(check) GradLens: 8 updated");
    // One voice: the error finding the Problems panel shows is named first, never "8 updated" alone beside it.
    expect(buildStatus({ kind: "done", report: buggyGanReport() })).toMatchObject({ text: "$(error) GradLens: 1 error · 8 updated", tone: "error" });
  });
  it("a module file shows the facts of the training file that imports it, named", () => {
    const spec = buildStatus({ kind: "done", report: goodGanReport(), via: true });
    expect(spec.text).toBe("$(check) GradLens (gan-good.ts): 8 updated");
    expect(spec.tooltip.split("\n")[0]).toBe("This file's parameters, as checked through gan-good.ts, which imports it.");
  });
  it("running, failed, cancelled", () => {
    expect(buildStatus({ kind: "running", file: "/ws/a/model.ts" }).text).toBe("$(sync~spin) GradLens: checking…");
    expect(buildStatus({ kind: "failed", file: "/ws/m.ts", message: "boom" })).toMatchObject({ text: "$(error) GradLens: run failed", tooltip: "boom" });
    const failed = { ...goodGanReport(), error: { file: GOOD_FILE, line: 3, column: 1, kind: "timeout" as const, message: "no result after 30 s" } };
    expect(buildStatus({ kind: "done", report: failed }).tooltip).toContain("the check timed out: no result after 30 s");
  });
});

describe("gutter marks", () => {
  it("one mark per defining line and cut site, worst status wins, hover explains the icon", () => {
    const marks = buildGutterMarks(cutReport(), GOOD_FILE);
    expect(marks.map((m) => [m.line, m.status])).toEqual([
      [6, "cut"],
      [7, "grad-not-applied"],
      [14, "updated"],
      [15, "updated"],
      [32, "cut"],
    ]);
    expect(marks[1]!.hover).toContain("gradient not applied: G.fc2.weight — got a gradient, but no optimizer applied it");
    expect(marks[1]!.hover).toContain("updated: G.fc2.bias — got a gradient and an optimizer step applied it");
    expect(marks[4]!.hover).toContain("A cut site: it stops gradient to 4 parameters (G.fc1.weight, G.fc1.bias, G.fc2.weight, G.fc2.bias)");
    // Line 7 defines one parameter not applied and one updated: the hover counts both.
    expect(marks[1]!.hover.split("\n")[0]).toBe("**GradLens** — 1 gradient not applied, 1 updated");
  });
  it("a deliberate freeze (requiresGrad = false) is drawn as frozen, never as a red cut", () => {
    const report = goodGanReport();
    const frozen = ["G.fc1.weight", "G.fc1.bias"];
    for (const p of report.parameters.filter((p) => frozen.includes(p.name))) Object.assign(p, { requiresGrad: false, gotGrad: false, updated: false, status: "frozen" });
    report.cuts = [{ file: GOOD_FILE, line: 22, column: 3, kind: "requires-grad-false", blocked: frozen, gotGradElsewhere: [] }];
    const mark = buildGutterMarks(report, GOOD_FILE).find((m) => m.line === 22)!;
    expect(mark.status).toBe("frozen");
    expect(mark.hover).toContain("Freezes 2 parameters (G.fc1.weight, G.fc1.bias) on purpose.");
  });
  it("a harmless cut (its parameters get gradient elsewhere, the lens says ✓) gets no red mark", () => {
    expect(buildGutterMarks(goodGanReport(), GOOD_FILE).find((m) => m.line === 32)).toBeUndefined();
  });
  it("nothing for another file", () => {
    expect(buildGutterMarks(goodGanReport(), "/ws/other.ts")).toEqual([]);
  });
});

describe("hover", () => {
  const lines = fixtureSource("gan-good").split("\n");
  const links = {
    location: (file: string, line: number) => `file://${file}#L${line}`,
    graph: (line: number) => `command:gradlens.showGraph?${line}`,
  };
  it("a parameter definition line: a summary first, then status, shape, grad norm, and one line per cause with its link", () => {
    const md = buildHover(cutReport(), GOOD_FILE, 6, lines[5], links)!;
    expect(md.split("\n")[0]).toBe("**GradLens** — 2 parameters defined here (`G.fc1`, Linear): 2 ✗ cut");
    expect(md).toContain("| `G.fc1.weight` | ✗ cut | [16, 4] | — |");
    expect(md).toContain(
      "- `G.fc1.weight` and 1 more: fake\\.detach\\(\\) at gan\\-good\\.ts:32 stops every gradient to G\\.fc1 ([gan\\-good\\.ts:32](file:///ws/gan-good.ts#L32))",
    );
    // The command links: the graph at this line, and the first cause's line.
    expect(md.split("\n").at(-1)).toBe("[Show in graph](command:gradlens.showGraph?6) · [Go to cause](file:///ws/gan-good.ts#L32)");
    expect(buildHover(goodGanReport(), GOOD_FILE, 14, lines[13])).toContain("| `D.fc1.bias` | ✓ updated | [16] | 0.25 |");
  });
  it("a module declaration line summarizes the module", () => {
    const md = buildHover(cutReport(), GOOD_FILE, 21, lines[20])!;
    expect(lines[20]).toBe("const G = new Generator();");
    expect(md).toContain("module `G` (Generator): 4 parameters — 2 ✗ cut, 1 ⚠ gradient not applied, 1 ✓ updated");
  });
  it("past ten parameters the table lists modules", () => {
    const report = cutReport();
    const many = Array.from({ length: 12 }, (_, i) => ({ ...report.parameters[0]!, name: `G.fc1.w${i}`, module: i < 4 ? "G.fc1" : "G.fc2" }));
    report.parameters = many;
    const md = buildHover(report, GOOD_FILE, 6, lines[5])!;
    expect(md).toContain("| module | parameters | status |");
    expect(md).toContain("| `G.fc1` | 4 | 4 ✗ cut |");
    expect(md).toContain("| `G.fc2` | 8 | 8 ✗ cut |");
  });
  it("an optimizer line: the lens's words, the table of what it holds, its groups", () => {
    const md = buildHover(goodGanReport(), GOOD_FILE, 23, lines[22])!;
    expect(lines[22]).toBe("const optG = new optim.Adam(G.parameters(), { lr: 2e-4 });");
    expect(md.split("\n")[0]).toBe("**GradLens** — optimizer `optG` (Adam): steps 4 parameters: all updated ✓");
    expect(md).toContain("| `G.fc1.weight` | ✓ updated |");
    expect(md).toContain("- group 0: lr 0.0002, 4 parameters");
  });
  it("an optimizer's group lr is shown as written (0.1 * 0.1 is 0.01, not 0.010000000000000002)", () => {
    const report = goodGanReport();
    report.optimizers.find((o) => o.name === "optG")!.groups[0].lr = 0.1 * 0.1;
    expect(buildHover(report, GOOD_FILE, 23, lines[22])).toContain("- group 0: lr 0.01, 4 parameters");
  });
  it("one voice on the buggy GAN: lens, hover and status bar state GL006, none says all is well", () => {
    const report = buggyGanReport();
    const buggyLines = fixtureSource("gan-buggy").split("\n");
    const lens = buildLenses(scanSource(fixtureSource("gan-buggy"), BUGGY_FILE), report, BUGGY_FILE).find((s) => s.line === 23)!;
    expect(lens.title).toBe("steps 4 parameters: all updated — ✗ GL006");
    expect(buildHover(report, BUGGY_FILE, 23, buggyLines[22])!.split("\n")[0]).toBe("**GradLens** — optimizer `optG` (Adam): steps 4 parameters: all updated — ✗ GL006");
    expect(buildStatus({ kind: "done", report })).toMatchObject({ text: "$(error) GradLens: 1 error · 8 updated", tone: "error" });
  });
  it("nothing on other lines", () => {
    expect(buildHover(goodGanReport(), GOOD_FILE, 27, lines[26])).toBeNull();
  });
});
