// The panel's words: loss names in the backward() selector and the note on how the run ended.
import { describe, expect, it } from "vitest";
import type { BackwardReport, Report } from "../../src/protocol/report";
import { backwardLabel, lossNameAt, lossNamesOf, stoppedNote } from "../../media/src/labels";
import { FIXTURES } from "./reportBuilder";

describe("loss names", () => {
  it("reads the receiver of .backward() at the call's column", () => {
    // column of `.backward` as V8 reports it (the test corpus' mnist.ts: `    loss.backward();` → column 10)
    expect(lossNameAt("    loss.backward();", 10)).toBe("loss");
    expect(lossNameAt("    lossD.backward();", 5)).toBe("lossD");
    expect(lossNameAt("        self.loss_d.backward(retain_graph=True)", 9)).toBe("self.loss_d");
    expect(lossNameAt('  losses["g"].backward()', 3)).toBe('losses["g"]');
    expect(lossNameAt("    torch.autograd.backward(loss_g, inputs=params)", 5)).toBe("loss_g");
    // two calls on one line: the one at the column
    expect(lossNameAt("lossD.backward(); lossG.backward();", 24)).toBe("lossG");
    // not a name
    expect(lossNameAt("    (lossA + lossB).backward()", 5)).toBeNull();
    expect(lossNameAt("    out.sum().backward()", 5)).toBeNull();
    expect(lossNameAt("    step()", 5)).toBeNull();
  });

  it("names every backward of a report from its lines, null where unknown", () => {
    const r = FIXTURES["gan.json"]();
    const lines: Record<number, string> = { 37: "lossD.backward();", 43: "lossG.backward();" };
    expect(lossNamesOf(r, (file, line) => (file === "examples/gan.ts" ? (lines[line] ?? null) : null))).toEqual(["lossD", "lossG"]);
    expect(lossNamesOf(r, () => null)).toEqual([null, null]);
  });

  it("labels a backward by number, loss and line", () => {
    const b: BackwardReport = { file: "gan.ts", line: 41, column: 9, index: 2, reached: ["D.w", "D.b", "D.c", "D.d"], byModule: { D: 4 } };
    expect(backwardLabel(b, "lossD")).toBe("backward #2 · lossD (line 41) → 4 params");
    expect(backwardLabel({ ...b, reached: ["x"] }, null)).toBe("backward #2 (line 41) → 1 param");
  });
});

describe("how the run ended", () => {
  const gan = (): Report => FIXTURES["gan.json"]();
  it("the check's budget is a neutral note with the step count", () => {
    const r = gan();
    r.optimizers[0].steps = 2;
    r.optimizers[1].steps = 2;
    r.stopped = { reason: "step-budget", message: "stopped before the 3rd optimizer step: all 2 optimizers had stepped 2 times (--steps 2)" };
    expect(stoppedNote(r)).toBe("Stopped after 2 training steps (the check's step budget).");
    r.optimizers = [];
    r.stopped = { reason: "backward-budget", message: "stopped before the 21st backward() call" };
    expect(stoppedNote(r)).toBe("Stopped after 2 backward() calls (the check's budget; the file has no optimizer).");
  });
  it("an ended file, an error or a timeout is no note", () => {
    expect(stoppedNote(gan())).toBeNull();
    const t = gan();
    t.stopped = { reason: "timeout", message: "the file did not finish within 30 s (--timeout)" };
    expect(stoppedNote(t)).toBeNull();
  });
});
