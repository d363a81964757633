import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis";
import { chain } from "./scenarios";
import type { Report } from "../../src/protocol/report";

const status = (r: Report) => Object.fromEntries(r.parameters.map((p) => [p.name, p.status]));
const param = (r: Report, name: string) => r.parameters.find((p) => p.name === name)!;
const codes = (r: Report) => r.findings.map((f) => f.code).sort();

describe("parameter statuses on the article's chain of four Linear layers", () => {
  it("plain: every parameter is updated by the one backward", () => {
    const r = analyze(chain("plain"));
    expect(Object.values(status(r))).toEqual(Array(8).fill("updated"));
    expect(param(r, "lin0.weight")).toMatchObject({ gotGrad: true, updated: true, cause: null, reachedBy: [0], optimizers: ["opt"] });
    expect(r.findings).toEqual([]);
    expect(r.backwards[0]).toMatchObject({ line: 14, byModule: { lin0: 2, lin1: 2, lin2: 2, lin3: 2 } });
  });

  it("detach after lin1: lin0 and lin1 are cut at the detach line, GL001 points there", () => {
    const r = analyze(chain("detach"));
    expect(status(r)).toEqual({
      "lin0.weight": "cut", "lin0.bias": "cut", "lin1.weight": "cut", "lin1.bias": "cut",
      "lin2.weight": "updated", "lin2.bias": "updated", "lin3.weight": "updated", "lin3.bias": "updated",
    });
    expect(param(r, "lin0.weight").cause).toMatchObject({ kind: "detach", line: 11 });
    expect(param(r, "lin0.weight").cause!.alsoNeeded).toBeUndefined();
    expect(r.cuts).toEqual([
      {
        file: "model.ts", line: 11, column: 1, kind: "detach",
        blocked: ["lin0.weight", "lin0.bias", "lin1.weight", "lin1.bias"], gotGradElsewhere: [],
      },
    ]);
    expect(codes(r)).toEqual(["GL001"]);
    const f = r.findings[0];
    expect(f).toMatchObject({ severity: "error", line: 11, parameters: ["lin0.weight", "lin0.bias", "lin1.weight", "lin1.bias"] });
    expect(f.message).toContain("model.ts:11");
    expect(f.related.map((x) => x.line)).toEqual([5]);
    expect(r.backwards[0].byModule).toEqual({ lin0: 0, lin1: 0, lin2: 2, lin3: 2 });
  });

  it("lin2 frozen: lin2 is frozen with its requiresGrad line, the rest still train (gradient passes through)", () => {
    const r = analyze(chain("frozen"));
    expect(status(r)["lin2.weight"]).toBe("frozen");
    expect(param(r, "lin2.weight").cause).toMatchObject({ kind: "requires-grad-false", line: 6 });
    expect(param(r, "lin2.bias").cause).toMatchObject({ kind: "requires-grad-false", line: 7 });
    expect(status(r)["lin0.weight"]).toBe("updated");
    expect(r.cuts.map((c) => [c.line, c.kind, c.blocked])).toEqual([
      [6, "requires-grad-false", ["lin2.weight"]],
      [7, "requires-grad-false", ["lin2.bias"]],
    ]);
    // the optimizer holds them (GL003), and lin2 still keeps lin2.weight.t() (2×2 float32) for lin0/lin1's gradient (GL010)
    expect(codes(r)).toEqual(["GL003", "GL010"]);
    expect(r.findings.find((f) => f.code === "GL003")).toMatchObject({ severity: "info", line: 5, parameters: ["lin2.weight", "lin2.bias"] });
    const gl010 = r.findings.find((f) => f.code === "GL010")!;
    expect(gl010).toMatchObject({ severity: "info", line: 6, parameters: ["lin2.weight", "lin2.bias"] });
    expect(gl010.message).toContain("16 B");
  });

  it("lin1 under noGrad: lin1 and lin0 before it are cut by the region", () => {
    const r = analyze(chain("noGrad"));
    expect(status(r)).toMatchObject({ "lin0.weight": "cut", "lin1.bias": "cut", "lin2.weight": "updated" });
    expect(param(r, "lin0.bias").cause).toMatchObject({ kind: "no-grad", line: 10 });
    expect(r.cuts).toEqual([
      {
        file: "model.ts", line: 10, column: 1, kind: "no-grad", endLine: 10,
        blocked: ["lin0.weight", "lin0.bias", "lin1.weight", "lin1.bias"], gotGradElsewhere: [],
      },
    ]);
    expect(codes(r)).toEqual(["GL001"]);
  });
});
