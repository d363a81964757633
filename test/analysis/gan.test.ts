import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis";
import { gan } from "./scenarios";

const G = ["G.fc1.weight", "G.fc1.bias", "G.fc2.weight", "G.fc2.bias"];
const D = ["D.fc1.weight", "D.fc1.bias", "D.fc2.weight", "D.fc2.bias"];

describe("GAN: the right one and the one without detach / zeroGrad are told apart", () => {
  it("right: D's loss reaches D only, G's loss reaches G and D; no findings", () => {
    const r = analyze(gan(false));
    expect(r.backwards.map((b) => [b.line, b.byModule])).toEqual([
      [13, { G: 0, D: 4 }], [17, { G: 4, D: 4 }], [13, { G: 0, D: 4 }], [17, { G: 4, D: 4 }],
    ]);
    expect(r.backwards[0].reached).toEqual(D);
    expect(r.parameters.every((p) => p.status === "updated")).toBe(true);
    expect(r.parameters.find((p) => p.name === "G.fc1.weight")!.reachedBy).toEqual([1, 3]);
    expect(r.parameters.find((p) => p.name === "D.fc1.weight")!.reachedBy).toEqual([0, 1, 2, 3]);
    // the detach blocks G from lossD, but G gets gradient from lossG
    expect(r.cuts).toEqual([{ file: "gan.ts", line: 12, column: 1, kind: "detach", blocked: G, gotGradElsewhere: G }]);
    expect(r.findings).toEqual([]);
  });

  it("buggy: D's loss reaches G, optG steps with lossD's gradient (GL006 at the G step) and the wasted backward is pointed at G's output (GL011)", () => {
    const r = analyze(gan(true));
    expect(r.backwards[0].byModule).toEqual({ G: 4, D: 4 });
    expect(r.cuts).toEqual([]);
    const gl006 = r.findings.filter((f) => f.code === "GL006");
    expect(gl006).toHaveLength(1);
    expect(gl006[0]).toMatchObject({ severity: "error", line: 18, parameters: G });
    expect(gl006[0].message).toContain("gan.ts:13");
    expect(gl006[0].message).toContain("optD");
    expect(gl006[0].related.map((x) => x.line).sort()).toEqual([13, 6]);
    const gl011 = r.findings.filter((f) => f.code === "GL011");
    expect(gl011).toHaveLength(1);
    // fake = G.fc2(...) at line 10 is where the detach belongs
    expect(gl011[0]).toMatchObject({ severity: "info", line: 10, parameters: G });
    expect(r.findings.map((f) => f.code).sort()).toEqual(["GL006", "GL011"]);
  });

  it("buggy with zeroGrad fixed but no detach: only the wasted backward (GL011), no stale gradient", () => {
    const t = gan(true);
    // insert optG.zeroGrad() right before each lossG.backward(): reuse a seq just below it
    for (const b of t.backwards.filter((x) => x.site!.line === 17)) {
      t.zeroGrads.push({ seq: b.seq - 0.5, owner: { kind: "optimizer", optimizer: 0 }, setToNone: true, site: { file: "gan.ts", line: 15, column: 5 } });
    }
    const r = analyze(t);
    expect(r.findings.map((f) => f.code)).toEqual(["GL011"]);
  });
});
