// A parameter updated by hand (an EMA target written under noGrad, a hand-written SGD step) is named
// so, with its line, wherever a parameter's status is put in words: never a bare "updated" that reads
// as an optimizer's doing, never "frozen". Exact text.
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/protocol/report";
import { buildGutterMarks } from "../../src/extension/core/gutter";
import { buildHover } from "../../src/extension/core/hover";
import { parameterRows, statusWords } from "../../src/extension/core/parameterList";
import { buildSideView, type SideNode } from "../../src/extension/core/sideView";
import { GOOD_FILE, goodGanReport } from "../fixtures/extension/ganReports";

/** The good GAN with D as a momentum target: no gradient, in no optimizer, written by hand at line 44. */
function emaReport(): Report {
  const report = goodGanReport();
  for (const p of report.parameters.filter((q) => q.name.startsWith("D."))) {
    Object.assign(p, {
      requiresGrad: false, gotGrad: false, gradNorm: null, optimizers: [], groups: [], reachedBy: [],
      updatedByHand: { file: GOOD_FILE, line: 44, column: 7 },
      note: `${p.name} gets no gradient; it is updated by hand at gan-good.ts:44 (mul_, not by an optimizer), e.g. as a moving average of other weights`,
    });
  }
  return report;
}
const byHand = "updated by hand at line 44 (not by an optimizer)";

describe("a parameter updated by hand, in words", () => {
  it("statusWords: by hand with the line when no optimizer holds it; an optimizer's parameter is plain 'updated'", () => {
    const report = emaReport();
    const p = (n: string) => report.parameters.find((q) => q.name === n)!;
    expect(statusWords(p("D.fc1.weight"))).toBe(byHand);
    expect(statusWords(p("G.fc1.weight"))).toBe("updated");
    // a hand-written step on a parameter an optimizer also holds: the optimizer's status words
    expect(statusWords({ ...p("G.fc1.weight"), updatedByHand: { file: GOOD_FILE, line: 50, column: 1 } })).toBe("updated");
    expect(statusWords({ ...p("G.fc1.weight"), status: "frozen", updated: false })).toBe("frozen");
  });

  it("the parameter list and the side view", () => {
    const report = emaReport();
    expect(parameterRows(report, ["D.fc2.bias", "G.fc2.bias"]).map((r) => r.description)).toEqual([byHand, "updated"]);
    const [params] = buildSideView(report, null);
    const d = params!.children!.find((m) => m.label === "D.fc1")!.children!.find((n: SideNode) => n.label === "weight")!;
    expect([d.description, d.tooltip]).toEqual([`${byHand} · [16, 2] · no grad`, `D.fc1.weight: ${byHand}`]);
  });

  it("the hover's table on the line that defines them, and the gutter mark's hover", () => {
    const report = emaReport();
    const hover = buildHover(report, GOOD_FILE, 14)!;
    expect(hover.split("\n").filter((l) => l.startsWith("| `"))).toEqual([
      `| \`D.fc1.weight\` | ✓ ${byHand} | [16, 2] | — |`,
      `| \`D.fc1.bias\` | ✓ ${byHand} | [16] | — |`,
    ]);
    expect(hover).not.toContain("Why not updated");
    const mark = buildGutterMarks(report, GOOD_FILE).find((m) => m.line === 14)!;
    expect(mark.status).toBe("updated");
    expect(mark.hover).toBe(
      "**GradLens** — icon: *updated*\n\n" +
        `${byHand}: D.fc1.weight, D.fc1.bias — no optimizer steps it; the file's own code writes its values (an EMA target, a hand-written update).`,
    );
    expect(buildGutterMarks(report, GOOD_FILE).find((m) => m.line === 6)!.hover).toBe(
      "**GradLens** — icon: *updated*\n\nupdated: G.fc1.weight, G.fc1.bias — got a gradient and an optimizer step applied it.",
    );
  });
});
