// Reports follow their lines through edits: the line diff, the report mapped to the current text,
// and the lenses and gutter marks built from it.
import { describe, expect, it } from "vitest";
import { buildGutterMarks } from "../../src/extension/core/gutter";
import { buildLenses } from "../../src/extension/core/lenses";
import { diffLines } from "../../src/extension/core/lineMap";
import { remapReport } from "../../src/extension/core/remapReport";
import { scanSource } from "../../src/static";
import { GOOD_FILE, fixtureSource, goodGanReport } from "../fixtures/extension/ganReports";

const lines = (text: string) => text.split("\n");

describe("diffLines", () => {
  it("an inserted line shifts the lines below it and is the only edited one", () => {
    const map = diffLines(["a", "b", "c"], ["a", "new", "b", "c"]);
    expect([1, 2, 3].map(map.toCurrent)).toEqual([1, 3, 4]);
    expect([1, 2, 3, 4].map(map.toOriginal)).toEqual([1, null, 2, 3]);
    expect([...map.edited]).toEqual([2]);
  });

  it("a deleted line maps to nothing; a changed line is edited; out-of-range and fractional lines map to nothing", () => {
    const map = diffLines(["a", "b", "c", "d"], ["a", "C", "d"]);
    expect([1, 2, 3, 4].map(map.toCurrent)).toEqual([1, null, null, 3]);
    expect([...map.edited]).toEqual([2]);
    expect([0, 5, 1.5, Number.NaN].map(map.toCurrent)).toEqual([null, null, null, null]);
  });

  it("moves through edits on both sides of unchanged lines (repeated lines matched in order)", () => {
    const map = diffLines(["x", "}", "y", "}", "z"], ["x", "}", "q", "}", "w", "z"]);
    expect([1, 2, 3, 4, 5].map(map.toCurrent)).toEqual([1, 2, null, 4, 6]);
    expect([...map.edited].sort()).toEqual([3, 5]);
  });
});

describe("a report through edits", () => {
  const source = fixtureSource("gan-good");
  const report = goodGanReport();

  it("one Enter at the top keeps every lens fact and gutter mark, one line lower", () => {
    const before = lines(source);
    const after = ["", ...before];
    const map = diffLines(before, after);
    const moved = remapReport(report, GOOD_FILE, map);
    const specs = buildLenses(scanSource(after.join("\n"), GOOD_FILE), moved, GOOD_FILE, map.edited);
    const original = buildLenses(scanSource(source, GOOD_FILE), report, GOOD_FILE);
    expect(specs.map((s) => [s.line, s.title])).toEqual(original.map((s) => [s.line + 1, s.title]));
    expect(buildGutterMarks(moved, GOOD_FILE).map((m) => [m.line, m.status])).toEqual(
      buildGutterMarks(report, GOOD_FILE).map((m) => [m.line + 1, m.status]),
    );
    // The report itself is untouched (the graph keeps the lines the run saw).
    expect(report.cuts[0]!.line).toBe(32);
  });

  it("an edited detach line gets the static lens saying so; a deleted backward loses its lens", () => {
    const before = lines(source);
    const after = [...before];
    after[31] = after[31]!.replace("fake.detach()", "fake.detach() ");
    after.splice(33, 1); // line 34: lossD.backward()
    const map = diffLines(before, after);
    const moved = remapReport(report, GOOD_FILE, map);
    const specs = buildLenses(scanSource(after.join("\n"), GOOD_FILE), moved, GOOD_FILE, map.edited);
    expect(specs.map((s) => [s.line, s.title])).toEqual([
      [23, "steps 4 parameters: all updated ✓"],
      [24, "steps 4 parameters: all updated ✓"],
      [32, "detach — edited since the check: run it again to see what it cuts"],
      [38, "reaches 4 parameters in D, 4 in G"],
    ]);
    expect(moved.cuts).toEqual([]);
    expect(moved.backwards.map((b) => b.line)).toEqual([38]);
  });

  it("a detach typed after the check gets the static lens, not a fact of a run that never saw it", () => {
    const before = lines(source);
    const after = [...before.slice(0, 40), "const extra = fake.detach();", ...before.slice(40)];
    const map = diffLines(before, after);
    const specs = buildLenses(scanSource(after.join("\n"), GOOD_FILE), remapReport(report, GOOD_FILE, map), GOOD_FILE, map.edited);
    expect(specs.find((s) => s.line === 41)).toMatchObject({ title: "detach — edited since the check: run it again to see what it cuts" });
    expect(specs.filter((s) => /^cuts gradient/.test(s.title)).map((s) => s.line)).toEqual([32]);
  });
});

describe("a module file checked through its training file", () => {
  it("gets the run's facts on its own cut sites", () => {
    const report = goodGanReport("/ws/train.ts");
    // The detach lies in the module file gan-good.ts; the report is train.ts's.
    for (const c of report.cuts) c.file = GOOD_FILE;
    const scan = scanSource(fixtureSource("gan-good"), GOOD_FILE);
    expect(buildLenses(scan, report, GOOD_FILE).map((s) => s.command)).toEqual(["check"]);
    const specs = buildLenses(scan, report, GOOD_FILE, new Set(), true);
    expect(specs.find((s) => s.line === 32)?.title).toBe("cuts gradient to G.fc1.weight, G.fc1.bias (+2) — they get gradient from lossG ✓");
  });
});
