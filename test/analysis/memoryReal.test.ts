import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { nn, randn, noGrad, manualSeed, type Tensor } from "gradlens";
import { analyze } from "../../src/analysis";
import { traceInProcess } from "./realTrace";

// The memory.json model run on the real engine under the real tracer: A → B → C, each
// Sequential(Linear(256, 256), ReLU()), x = randn(64, 256), loss = out.sum().
const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch/memory.json", import.meta.url), "utf8")) as {
  cases: Array<{ setting: string; totalBytesUnique: number; activationBytesUnique: number }>;
};
const expected = (setting: string) => fixture.cases.find((c) => c.setting === setting)!;
type Setting = "all_trainable" | "A_frozen" | "B_frozen" | "no_grad";

function run(setting: Setting) {
  manualSeed(0);
  return analyze(traceInProcess("abc.ts", (at) => {
    at(1);
    const A = new nn.Sequential(new nn.Linear(256, 256), new nn.ReLU());
    at(2);
    const B = new nn.Sequential(new nn.Linear(256, 256), new nn.ReLU());
    at(3);
    const C = new nn.Sequential(new nn.Linear(256, 256), new nn.ReLU());
    at(5);
    if (setting === "A_frozen") A.requiresGrad_(false);
    if (setting === "B_frozen") B.requiresGrad_(false);
    at(6);
    const x = randn(64, 256);
    at(7);
    const forward = () => (C.forward(B.forward(A.forward(x))) as Tensor).sum();
    if (setting === "no_grad") {
      noGrad(forward);
    } else {
      const loss = forward();
      at(8);
      loss.backward();
    }
  }));
}

const within1pct = (actual: number, wanted: number) => expect(Math.abs(actual - wanted)).toBeLessThanOrEqual(wanted * 0.01);

describe("memory on the real engine matches PyTorch (memory.json)", () => {
  for (const setting of ["all_trainable", "A_frozen", "B_frozen", "no_grad"] as const) {
    it(`${setting}`, () => {
      const m = run(setting).memory;
      within1pct(m.totalSavedBytes, expected(setting).totalBytesUnique);
      within1pct(m.activationBytes!, expected(setting).activationBytesUnique);
    });
  }

  it("freezing the first module saves memory, freezing the middle one does not", () => {
    const r = run("all_trainable");
    const saves = r.memory.freezingSaves.map((s) => s.bytes);
    // roots are unnamed in-process (no source text): A, B, C in creation order
    expect(saves).toHaveLength(3);
    within1pct(saves[0], expected("all_trainable").totalBytesUnique - expected("A_frozen").totalBytesUnique);
    expect(saves[1]).toBe(0);
    expect(run("A_frozen").memory.totalSavedBytes).toBe(r.memory.totalSavedBytes - saves[0]);
    expect(run("B_frozen").memory.totalSavedBytes).toBe(r.memory.totalSavedBytes - saves[1]);
  });

  it("B frozen: GL010 with what B still keeps; A frozen: none", () => {
    const gl010 = run("B_frozen").findings.filter((f) => f.code === "GL010");
    expect(gl010).toHaveLength(1);
    expect(gl010[0].line).toBe(5);
    expect(gl010[0].message).toContain("320 KiB");
    expect(run("A_frozen").findings.filter((f) => f.code === "GL010")).toEqual([]);
  });
});
