import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { analyze } from "../../src/analysis";
import { TraceBuilder } from "./traceBuilder";
import { linear } from "./scenarios";
import type { Trace } from "../../src/trace/schema";

// test/fixtures/torch/memory.json: A → B → C, each Sequential(Linear(256, 256), ReLU()), x [64, 256]
// float32, loss = out.sum(); what PyTorch saves for backward in four settings.
const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch/memory.json", import.meta.url), "utf8")) as {
  cases: Array<{ setting: string; totalBytesUnique: number; activationBytesUnique: number }>;
};
const expected = (setting: string) => fixture.cases.find((c) => c.setting === setting)!;

/** The same model as a trace (hand-built until the tracer can run it; see also memoryReal.test.ts). */
export function abcTrace(setting: "all_trainable" | "A_frozen" | "B_frozen" | "no_grad"): Trace {
  const b = new TraceBuilder("abc.ts");
  const blocks = ["A", "B", "C"].map((name, i) => {
    const seq = b.module(name, "Sequential", i + 1);
    return { seq, lin: linear(b, `${name}.0`, 256, 256, i + 1, seq), relu: b.module(`${name}.1`, "ReLU", i + 1, seq) };
  });
  const frozen = setting === "A_frozen" ? 0 : setting === "B_frozen" ? 1 : -1;
  if (frozen >= 0) b.moduleRequiresGrad(blocks[frozen].seq, false, 5);
  const x = b.leaf("x", [64, 256], 6);
  const forward = () => {
    let h = x;
    for (const blk of blocks) h = b.relu(b.linear(h, blk.lin.weight, blk.lin.bias, 7, blk.lin.module), 7, blk.relu);
    return b.op("sum", [h], 7, { shape: [] });
  };
  if (setting === "no_grad") {
    b.noGrad(7, 7, forward);
  } else {
    b.backward(forward(), 8);
  }
  return b.build();
}

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
