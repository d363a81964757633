// What a lens's "Show in graph" focuses: a cut line focuses the cut and the parameters it blocked.
import { describe, expect, it } from "vitest";
import { cutFocus, nodesAtLine, sameFile } from "../../media/src/focus";
import { buildModel } from "../../media/src/model";
import { FIXTURES } from "./reportBuilder";

describe("focus", () => {
  it("a detach line: the detach edge's ends and the generator parameters it blocked", () => {
    const r = FIXTURES["gan.json"]();
    const m = buildModel(r);
    const detach = r.graph.edges.filter((e) => e.kind === "detach");
    expect(detach.length).toBe(1);
    const f = cutFocus(m, { line: 34, file: "/home/u/proj/examples/gan.ts" })!;
    expect(f.at.sort()).toEqual([detach[0].from, detach[0].to].sort());
    const g = r.graph.nodes.filter((n) => n.kind === "param" && n.module?.startsWith("G")).map((n) => n.id);
    expect(f.blocked.sort()).toEqual(g.sort());
    // the ops written on that line are not what the lens is about
    for (const id of nodesAtLine(m, { line: 34 })) if (!f.at.includes(id)) expect(f.blocked).not.toContain(id);
  });

  it("a noGrad region: its ops; a frozen parameter: the parameter", () => {
    const r = FIXTURES["chain-nograd.json"]();
    const m = buildModel(r);
    const cut = r.cuts.find((c) => c.kind === "no-grad")!;
    const f = cutFocus(m, { line: cut.line })!;
    const want = r.graph.nodes.filter((n) => n.kind === "op" && !n.gradEnabled).map((n) => n.id);
    expect(want.length).toBeGreaterThan(0);
    expect(f.at.sort()).toEqual(want.sort());
    expect(f.blocked.map((id) => m.nodes.get(id)!.label).sort()).toEqual([...cut.blocked].sort());
  });

  it("a line without a cut, or a cut in another file: no cut focus", () => {
    const m = buildModel(FIXTURES["gan.json"]());
    expect(cutFocus(m, { line: 35 })).toBeNull();
    expect(cutFocus(m, { line: 34, file: "/home/u/other/gan-no-detach.ts" })).toBeNull();
    expect(nodesAtLine(m, { line: 35 }).length).toBeGreaterThan(0);
  });

  it("paths match by whole segments", () => {
    expect(sameFile("examples/gan.ts", "/w/examples/gan.ts")).toBe(true);
    expect(sameFile("examples/gan.ts", "/w/examples/xgan.ts")).toBe(false);
    expect(sameFile("C:\\w\\gan.ts", "C:/w/gan.ts")).toBe(true);
    expect(sameFile("gan.ts", undefined)).toBe(true);
  });
});
