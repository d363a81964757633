import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { analyze } from "../../src/analysis";
import { abcTrace } from "./scenarios";

// test/fixtures/torch/memory.json: A → B → C, each Sequential(Linear(256, 256), ReLU()), x [64, 256]
// float32, loss = out.sum(); what PyTorch saves for backward in four settings.
const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch/memory.json", import.meta.url), "utf8")) as {
  cases: Array<{ setting: string; totalBytesUnique: number; activationBytesUnique: number }>;
};
const expected = (setting: string) => fixture.cases.find((c) => c.setting === setting)!;

const within1pct = (actual: number, wanted: number) => expect(Math.abs(actual - wanted)).toBeLessThanOrEqual(wanted * 0.01);

describe("memory saved for backward matches PyTorch (memory.json)", () => {
  for (const setting of ["all_trainable", "A_frozen", "B_frozen", "no_grad"] as const) {
    it(`${setting}: total and activation bytes`, () => {
      const m = analyze(abcTrace(setting)).memory;
      within1pct(m.totalSavedBytes, expected(setting).totalBytesUnique);
      within1pct(m.activationBytes!, expected(setting).activationBytesUnique);
    });
  }

  it("per module, and what freezing each would save: freezing A saves memory, freezing B does not", () => {
    const m = analyze(abcTrace("all_trainable")).memory;
    // A keeps x and its ReLU output; B and C keep their weight (W.t()) and ReLU output
    expect(m.byModule).toEqual([
      { module: "A", savedBytes: 2 * 65536 },
      { module: "B", savedBytes: 262144 + 65536 },
      { module: "C", savedBytes: 262144 + 65536 },
    ]);
    const saves = Object.fromEntries(m.freezingSaves.map((s) => [s.module, s.bytes]));
    within1pct(saves.A, expected("all_trainable").totalBytesUnique - expected("A_frozen").totalBytesUnique);
    expect(saves.A).toBeGreaterThan(0);
    expect(saves.B).toBe(0);
    expect(expected("all_trainable").totalBytesUnique - expected("B_frozen").totalBytesUnique).toBe(0);
  });

  it("B frozen in the middle: GL010 reports what B still keeps", () => {
    const r = analyze(abcTrace("B_frozen"));
    const gl010 = r.findings.filter((f) => f.code === "GL010");
    expect(gl010.map((f) => [f.line, f.parameters])).toEqual([[5, ["B.0.weight", "B.0.bias"]]]);
    expect(gl010[0].message).toContain("320 KiB");
    expect(analyze(abcTrace("A_frozen")).findings.filter((f) => f.code === "GL010")).toEqual([]);
  });
});
