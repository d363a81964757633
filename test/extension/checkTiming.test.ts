import { describe, expect, it } from "vitest";
import { CheckClock } from "../../src/extension/core/checkTiming";

/** a clock that returns the given instants, one per call */
const instants = (...ts: number[]) => () => ts.shift()!;

describe("CheckClock", () => {
  it("writes each phase's own duration, rounded, with its note, and the total", () => {
    const clock = new CheckClock(instants(1000, 1004.6, 1050, 1470.2, 1472, 1532, 1562, 1562));
    clock.mark("before the run");
    clock.mark("bundle");
    clock.mark("model run", "child warm");
    clock.mark("trace read");
    clock.mark("analysis");
    clock.mark("render");
    expect(clock.line("cnn-classifier.ts")).toBe(
      "checked cnn-classifier.ts in 562 ms (before the run 5 · bundle 45 · model run 420 (child warm) · trace read 2 · analysis 60 · render 30)",
    );
  });

  it("says only the phases that ran (a .py check has no bundle)", () => {
    const clock = new CheckClock(instants(0, 3, 900, 950, 960));
    clock.mark("before the run");
    clock.mark("analysis");
    clock.mark("render");
    expect(clock.line("train.py")).toBe("checked train.py in 960 ms (before the run 3 · analysis 897 · render 50)");
  });
});
