import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runFile } from "../../src/runner/run";
import { analyze } from "../../src/analysis";
import type { Report } from "../../src/protocol/report";

// Every example run through the real runner (bundle + worker + tracer) and analysed. Lines are
// looked up in the example's source by what is written on them, so the tests say "the cause is the
// detach() line" rather than a number that drifts when a comment is added.

const root = process.cwd();
const workerDir = join(root, "node_modules/.cache/gradlens-analysis-tests");
const workerPath = join(workerDir, "worker.js");

beforeAll(async () => {
  const config = (await import(join(root, "esbuild.config.mjs"))) as {
    buildEntries(names: string[], options: { outdir: string; quiet: boolean }): Promise<void>;
  };
  await config.buildEntries(["worker"], { outdir: workerDir, quiet: true });
}, 60_000);

const source = (name: string) => readFileSync(join(root, "examples", `${name}.ts`), "utf8").split("\n");
/** 1-based lines whose text matches. */
const linesOf = (name: string, pattern: RegExp) =>
  source(name).flatMap((text, i) => (pattern.test(text) ? [i + 1] : []));
const codes = (r: Report) => [...new Set(r.findings.map((f) => f.code))].sort();
const statuses = (r: Report) => r.parameters.map((p) => p.status);

const CONSTRUCT = {
  detach: /\.detach_?\(/,
  "no-grad": /noGrad\(|setGradEnabled\(\s*false/,
  "requires-grad-false": /requiresGrad/,
} as const;

async function check(name: string): Promise<Report> {
  const report = analyze(await runFile(`examples/${name}.ts`, { workerPath, cwd: root }));
  // Invariants every example keeps: causes and cut sites sit on lines that say what they are, and
  // every backward report is on a backward() line.
  const src = source(name);
  for (const p of report.parameters) {
    if ((p.status === "cut" || p.status === "frozen") && p.cause!.kind in CONSTRUCT) {
      expect(src[p.cause!.line - 1], `${name}: cause of ${p.name}`).toMatch(CONSTRUCT[p.cause!.kind as keyof typeof CONSTRUCT]);
    }
  }
  for (const c of report.cuts) expect(src[c.line - 1], `${name}: cut at ${c.line}`).toMatch(CONSTRUCT[c.kind]);
  for (const b of report.backwards) expect(src[b.line - 1], `${name}: backward ${b.index}`).toMatch(/backward\(/);
  return report;
}

const example = (name: string) => (existsSync(join(root, "examples", `${name}.ts`)) ? it : it.skip);

describe("examples through the real runner", () => {
  example("long-training")("long-training: one iteration traced, every parameter updated, no findings", async () => {
    const r = await check("long-training");
    expect(statuses(r)).toEqual(["updated", "updated", "updated", "updated"]);
    expect(r.parameters.map((p) => p.name)).toEqual(["model.fc1.weight", "model.fc1.bias", "model.fc2.weight", "model.fc2.bias"]);
    expect(r.findings).toEqual([]);
    expect(r.stopped.reason).toBe("step-budget");
    expect(r.backwards[0].byModule).toEqual({ "model.fc1": 2, "model.fc2": 2 });
    expect(r.backwards[0].line).toBe(linesOf("long-training", /loss\.backward\(\)/)[0]);
    expect(r.memory.totalSavedBytes).toBeGreaterThan(0);
  }, 30_000);

  example("throws-midway")("throws-midway: the error and what ran before it", async () => {
    const r = await check("throws-midway");
    expect(r.error).toMatchObject({ kind: "exception", line: linesOf("throws-midway", /h\.matmul\(w2\)/)[0] });
    expect(r.parameters.map((p) => [p.name, p.status, p.cause?.message])).toEqual([
      ["w1", "unused", "no backward() was called, so w1 got no gradient"],
      ["w2", "unused", "w2 is not used by any computation"],
    ]);
    expect(r.backwards).toEqual([]);
  }, 30_000);

  example("chain-detach")("chain-detach: the layers before the detach are cut at its line", async () => {
    const r = await check("chain-detach");
    const detachLines = linesOf("chain-detach", CONSTRUCT.detach);
    const cut = r.parameters.filter((p) => p.status === "cut");
    expect(cut.length).toBeGreaterThan(0);
    for (const p of cut) expect(detachLines).toContain(p.cause!.line);
    expect(r.cuts.find((c) => c.kind === "detach")!.blocked).toEqual(cut.map((p) => p.name));
    if (cut.some((p) => p.optimizers.length > 0)) expect(codes(r)).toContain("GL001");
    expect(r.parameters.some((p) => p.status === "updated" || p.status === "grad-not-applied")).toBe(true);
  }, 30_000);

  example("branch-detach")("branch-detach: the detached branch blocks parameters that still get gradient through the other", async () => {
    const r = await check("branch-detach");
    const cut = r.cuts.filter((c) => c.kind === "detach");
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.some((c) => c.blocked.length > 0 && c.gotGradElsewhere.length > 0)).toBe(true);
  }, 30_000);

  example("frozen-middle")("frozen-middle: the middle module is frozen at its requiresGrad line, the rest train, GL010 reports the memory", async () => {
    const r = await check("frozen-middle");
    expect(statuses(r)).toContain("frozen");
    expect(statuses(r)).not.toContain("cut");
    expect(codes(r)).toContain("GL010");
  }, 30_000);

  example("no-grad-middle")("no-grad-middle: the middle module and everything before it are cut by the noGrad region", async () => {
    const r = await check("no-grad-middle");
    const cut = r.parameters.filter((p) => p.status === "cut");
    expect(cut.length).toBeGreaterThan(0);
    for (const p of cut) expect(p.cause!.kind).toBe("no-grad");
  }, 30_000);

  example("eval-no-grad")("eval-no-grad: evaluation under noGrad cuts nothing a backward needed", async () => {
    const r = await check("eval-no-grad");
    expect(statuses(r)).not.toContain("cut");
    expect(r.cuts.filter((c) => c.kind === "no-grad").every((c) => c.blocked.length === 0)).toBe(true);
    expect(r.findings.filter((f) => f.severity !== "info")).toEqual([]);
  }, 30_000);

  example("optimizer-subset")("optimizer-subset: the parameters left out get a gradient nothing applies (GL004)", async () => {
    const r = await check("optimizer-subset");
    const left = r.parameters.filter((p) => p.status === "grad-not-applied");
    expect(left.length).toBeGreaterThan(0);
    for (const p of left) expect(p.cause!.kind).toBe("not-in-optimizer");
    expect(codes(r)).toContain("GL004");
    expect(r.findings.find((f) => f.code === "GL004")!.parameters).toEqual(left.map((p) => p.name));
  }, 30_000);

  example("lr-zero-groups")("lr-zero-groups: groups with lr 0 compute gradients that are never applied (GL002)", async () => {
    const r = await check("lr-zero-groups");
    const zero = r.parameters.filter((p) => p.cause?.kind === "lr-zero");
    expect(zero.length).toBeGreaterThan(0);
    for (const p of zero) expect(p.status).toBe("grad-not-applied");
    expect(codes(r)).toContain("GL002");
    expect(r.parameters.some((p) => p.status === "updated")).toBe(true);
  }, 30_000);

  example("gan")("gan: D's loss reaches D only, G's loss reaches G and D, no stale gradient", async () => {
    const r = await check("gan");
    const [lossD, lossG] = r.backwards;
    const tops = Object.keys(lossD.byModule);
    const g = tops.find((t) => /^(G|gen|netG|generator)/i.test(t))!;
    const d = tops.find((t) => /^(D|disc|netD|discriminator)/i.test(t))!;
    expect(lossD.byModule[g]).toBe(0);
    expect(lossD.byModule[d]).toBeGreaterThan(0);
    expect(lossG.byModule[g]).toBeGreaterThan(0);
    expect(lossG.byModule[d]).toBeGreaterThan(0);
    expect(statuses(r).every((s) => s === "updated")).toBe(true);
    expect(codes(r)).not.toContain("GL006");
    expect(codes(r)).not.toContain("GL011");
  }, 30_000);

  example("gan-no-detach")("gan-no-detach: D's loss also reaches G, and the report says so (GL006 or GL011)", async () => {
    const r = await check("gan-no-detach");
    const lossD = r.backwards[0];
    expect(Object.values(lossD.byModule).every((n) => n > 0)).toBe(true);
    expect(codes(r).some((c) => c === "GL006" || c === "GL011")).toBe(true);
  }, 30_000);

  example("frozen-backbone")("frozen-backbone: the backbone is frozen at its requiresGrad line, the head trains", async () => {
    const r = await check("frozen-backbone");
    expect(statuses(r)).toContain("frozen");
    expect(statuses(r)).toContain("updated");
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  }, 30_000);
});
