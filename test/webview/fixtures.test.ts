// The hand-made reports in test/fixtures/reports/ are consistent with the Report types' meaning and
// with the builder that made them. GRADLENS_WRITE_FIXTURES=1 rewrites them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/protocol/report";
import { FIXTURES, syntheticOfSize } from "./reportBuilder";

const dir = join(__dirname, "../fixtures/reports");

export function validateReport(r: Report): string[] {
  const errs: string[] = [];
  if (r.version !== 1) errs.push("version");
  const ids = new Set<string>();
  for (const n of r.graph.nodes) {
    if (ids.has(n.id)) errs.push(`duplicate node ${n.id}`);
    ids.add(n.id);
    if (!["param", "leaf", "op"].includes(n.kind)) errs.push(`kind ${n.kind}`);
    for (const b of n.backwards) if (!r.backwards[b]) errs.push(`node ${n.id} backward ${b}`);
    if (n.kind === "op" && !n.gradEnabled && n.requiresGrad) errs.push(`${n.id}: noGrad op requires grad`);
    if (n.kind === "op" && n.requiresGrad && !/Backward\d*$/.test(n.label)) errs.push(`${n.id}: grad op label ${n.label}`);
  }
  const mods = new Set(r.graph.modules.map((m) => m.path));
  for (const m of r.graph.modules) if (m.parent !== null && !mods.has(m.parent)) errs.push(`module parent ${m.parent}`);
  for (const n of r.graph.nodes) if (n.module !== null && !mods.has(n.module)) errs.push(`node module ${n.module}`);
  for (const e of r.graph.edges) {
    if (!ids.has(e.from) || !ids.has(e.to)) errs.push(`edge ${e.from}->${e.to}`);
    if (e.kind === "detach" && !e.site) errs.push("detach edge without site");
  }
  for (const p of r.parameters) {
    const n = r.graph.nodes.find((x) => x.kind !== "op" && x.label === p.name);
    if (!n) errs.push(`no node for ${p.name}`);
    else {
      if (n.status !== p.status) errs.push(`status of ${p.name}`);
      if (JSON.stringify(n.backwards) !== JSON.stringify(p.reachedBy)) errs.push(`reachedBy of ${p.name}`);
    }
    if ((p.status === "updated") !== (p.cause === null)) errs.push(`cause of ${p.name}`);
    if (p.gotGrad !== p.reachedBy.length > 0) errs.push(`gotGrad of ${p.name}`);
    if (p.status === "frozen" && p.requiresGrad) errs.push(`frozen ${p.name} requires grad`);
  }
  for (const b of r.backwards) {
    const exp = r.parameters.filter((p) => p.reachedBy.includes(b.index)).map((p) => p.name);
    if (JSON.stringify(exp) !== JSON.stringify(b.reached)) errs.push(`backward ${b.index} reached`);
  }
  return errs;
}

describe("report fixtures", () => {
  const write = !!process.env.GRADLENS_WRITE_FIXTURES;
  if (write) mkdirSync(dir, { recursive: true });
  for (const [name, make] of Object.entries(FIXTURES)) {
    it(name, () => {
      const built = make();
      expect(validateReport(built)).toEqual([]);
      const path = join(dir, name);
      if (write || !existsSync(path)) writeFileSync(path, JSON.stringify(built, null, 2) + "\n");
      const onDisk = JSON.parse(readFileSync(path, "utf8")) as Report;
      expect(validateReport(onDisk)).toEqual([]);
      expect(onDisk).toEqual(built);
    });
  }

  it("GAN done right: D's loss reaches D only, G's loss reaches G and D", () => {
    const r = FIXTURES["gan.json"]();
    expect(r.backwards[0].byModule).toEqual({ G: 0, D: 4 });
    expect(r.backwards[1].byModule).toEqual({ G: 4, D: 4 });
    expect(r.parameters.every((p) => p.status === "updated")).toBe(true);
    const cut = r.cuts.find((c) => c.kind === "detach")!;
    expect(cut.blocked.sort()).toEqual(cut.gotGradElsewhere.sort());
    const bad = FIXTURES["gan-no-detach.json"]();
    expect(bad.backwards[0].byModule).toEqual({ G: 4, D: 4 });
  });

  it("chains: statuses per variant", () => {
    const st = (n: string) => Object.fromEntries(FIXTURES[n]().parameters.map((p) => [p.name, p.status]));
    expect(st("chain-detach.json")).toMatchObject({ "lin0.weight": "cut", "lin1.bias": "cut", "lin2.weight": "updated", "lin3.bias": "updated" });
    expect(st("chain-nograd.json")).toMatchObject({ "lin0.weight": "cut", "lin1.weight": "cut", "lin2.weight": "updated" });
    expect(st("chain-frozen.json")).toMatchObject({ "lin0.weight": "updated", "lin1.weight": "frozen", "lin2.weight": "updated" });
    expect(st("branch-detach.json")).toEqual({ x: "cut", q: "updated" });
    expect(st("branch.json")).toEqual({ x: "updated", q: "updated" });
  });

  it("synthetic reports are valid and of the asked size", () => {
    const small = syntheticOfSize(2000);
    expect(validateReport(small)).toEqual([]);
    expect(small.graph.nodes.length).toBeGreaterThan(1800);
    expect(small.graph.nodes.length).toBeLessThan(2300);
    const big = syntheticOfSize(20000);
    expect(big.graph.nodes.filter((n) => n.kind === "op").length).toBeGreaterThanOrEqual(20000);
  });
});
