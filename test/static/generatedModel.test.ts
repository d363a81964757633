// The benchmark's generated model file scans completely: every block's sites are found and judged
// the same way (no timing here; see test/bench/staticScan.bench.ts).
import { describe, expect, it } from "vitest";
import { scanSource } from "../../src/static";
import { generateModelSource, sitesPerBlock } from "./generateModelSource";

describe("generated 2,000-line model file", () => {
  const { text, lines, blocks } = generateModelSource(2000);
  const scan = scanSource(text, "model.ts");

  it("is about 2,000 lines and parses cleanly", () => {
    expect(lines).toBeGreaterThanOrEqual(2000);
    expect(lines).toBeLessThan(2100);
    expect(scan.syntaxErrors).toEqual([]);
  });

  it("finds every site of every block", () => {
    expect(scan.sites.length).toBe(blocks * sitesPerBlock);
    const count = (kind: string) => scan.sites.filter((s) => s.kind === kind).length;
    expect([
      count("detach"),
      count("detach_"),
      count("no-grad"),
      count("set-grad-enabled-false"),
      count("requires-grad-false"),
      count("optimizer"),
      count("backward"),
      count("step"),
      count("zero-grad"),
    ]).toEqual([2, 1, 2, 1, 2, 2, 2, 2, 2].map((n) => n * blocks));
  });

  it("judges training code per the rule: train and what it calls train; the probe and top level do not", () => {
    // Block 0 spans lines 4-85; see generateModelSource.ts for the layout.
    const block0 = scan.sites.filter((s) => s.line <= 85);
    expect(block0.map((s) => [s.kind, s.line, s.inTrainingCode])).toEqual([
      ["detach", 27, false], // Discriminator.features, called only from probe0
      ["no-grad", 38, true], // evaluate0, called from train0's loop
      ["set-grad-enabled-false", 46, false], // probe0, called only from top level
      ["requires-grad-false", 55, false], // top level: it calls no backward/step itself
      ["requires-grad-false", 56, false],
      ["optimizer", 57, false],
      ["optimizer", 58, false],
      ["zero-grad", 64, true],
      ["detach", 67, true],
      ["backward", 69, true],
      ["step", 70, true],
      ["zero-grad", 72, true],
      ["backward", 74, true],
      ["step", 75, true],
      ["detach_", 76, true],
      ["no-grad", 84, false],
    ]);
    expect(scan.trainingUnits.filter((u) => u.line <= 85).map((u) => [u.name, u.direct, u.line])).toEqual([
      ["forward", false, 10],
      ["forward", false, 21],
      ["makeBatch0", false, 31],
      ["evaluate0", false, 37],
      ["train0", true, 60],
    ]);
  });
});
