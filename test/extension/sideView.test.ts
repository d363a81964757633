// The side view's nodes, exact text: parameters by module (worst first), the reach matrix, findings.
import { describe, expect, it } from "vitest";
import { buildSideView, type SideNode } from "../../src/extension/core/sideView";
import { scanSource } from "../../src/static";
import { BUGGY_FILE, buggyGanReport, fixtureSource, GOOD_FILE, goodGanReport } from "../fixtures/extension/ganReports";

const text = (nodes: readonly SideNode[] | undefined, depth = 0): string[] =>
  (nodes ?? []).flatMap((n) => [`${"  ".repeat(depth)}${n.label}${n.description ? ` | ${n.description}` : ""}`, ...text(n.children, depth + 1)]);

describe("side view", () => {
  it("good GAN with one parameter cut: its module first and open, counts in the hover's words", () => {
    const report = goodGanReport();
    Object.assign(report.parameters.find((p) => p.name === "G.fc2.bias")!, {
      status: "cut", updated: false, gotGrad: false, gradNorm: null,
      cause: { file: GOOD_FILE, line: 32, column: 51, kind: "detach", message: "detach() cut every path" },
    });
    const [params, reach, findings] = buildSideView(report, scanSource(fixtureSource("gan-good"), GOOD_FILE));
    expect(text([params!])).toEqual([
      "Parameters | 8 — 1 cut, 7 updated",
      "  G.fc2 | Linear · 1 cut, 1 updated",
      "    bias | cut · [2] · no grad",
      "    weight | updated · [2, 16] · ‖grad‖ 0.25",
      "  G.fc1 | Linear · 2 updated",
      "    weight | updated · [16, 4] · ‖grad‖ 0.25",
      "    bias | updated · [16] · ‖grad‖ 0.25",
      "  D.fc1 | Linear · 2 updated",
      "    weight | updated · [16, 2] · ‖grad‖ 0.25",
      "    bias | updated · [16] · ‖grad‖ 0.25",
      "  D.fc2 | Linear · 2 updated",
      "    weight | updated · [1, 16] · ‖grad‖ 0.25",
      "    bias | updated · [1] · ‖grad‖ 0.25",
    ]);
    expect(params!.children!.map((m) => m.expanded)).toEqual([true, false, false, false]);
    expect(params!.children![0]!.children![0]).toMatchObject({ icon: "cut", site: { file: GOOD_FILE, line: 7 }, tooltip: "G.fc2.bias: cut (in optG)\ndetach() cut every path (gan-good.ts:32)" });
    expect(text([reach!])).toEqual([
      "Reach | 2 backward() lines × 2 modules",
      "  lossD.backward() | D 4/4 · G 0/4",
      "    D | 4 of 4 parameters reached",
      "    G | 0 of 4 parameters reached",
      "  lossG.backward() | D 4/4 · G 4/4",
      "    D | 4 of 4 parameters reached",
      "    G | 4 of 4 parameters reached",
    ]);
    expect(text([findings!])).toEqual(["Findings | none"]);
  });

  it("a backward() line run once per step is one row: what any of its calls reached", () => {
    const report = goodGanReport();
    report.backwards.push({ ...report.backwards[0]!, index: 2, reached: ["D.fc1.weight"], byModule: { D: 1, G: 0 } });
    report.backwards.push({ ...report.backwards[0]!, index: 3, reached: ["G.fc1.weight"], byModule: { D: 0, G: 1 } });
    const [, reach] = buildSideView(report, scanSource(fixtureSource("gan-good"), GOOD_FILE));
    expect(text(reach!.children).filter((l) => !l.startsWith(" "))).toEqual(["lossD.backward() | D 4/4 · G 1/4", "lossG.backward() | D 4/4 · G 4/4"]);
    expect(reach!.children![0]!.tooltip).toBe("3 calls at gan-good.ts:34; gradient reaches 5 parameters.");
  });

  it("buggy GAN: the findings with their related sites, each revealing its line", () => {
    const [, , findings] = buildSideView(buggyGanReport(), scanSource(fixtureSource("gan-buggy"), BUGGY_FILE));
    expect(text([findings!])[0]).toBe("Findings | 2");
    expect(findings!.children![0]).toMatchObject({ icon: "error", site: { file: BUGGY_FILE, line: 39, column: 8 } });
    expect(text(findings!.children!.slice(0, 1))).toEqual([
      "GL006 optG.step() applies gradient that lossD.backward() at line 34 left in G (4 parameters): G is updated with D's loss too. | gan-buggy.ts:39",
      "  lossD.backward() left gradient in G here | gan-buggy.ts:34",
      "  optD.step(): the step this backward() was meant for | gan-buggy.ts:35",
    ]);
  });

  it("a failed run shows only the failure", () => {
    const report = goodGanReport();
    report.error = { kind: "timeout", message: "The check stopped after 30 s.", file: GOOD_FILE, line: 40, column: 3 };
    expect(text(buildSideView(report, null))).toEqual(["The run failed | gan-good.ts:40", "  The check stopped after 30 s."]);
  });
});
