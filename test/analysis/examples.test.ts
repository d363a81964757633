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
/** 1-based lines of code (not comments) whose text matches. */
const linesOf = (name: string, pattern: RegExp) =>
  source(name).flatMap((text, i) => (!text.trim().startsWith("//") && pattern.test(text) ? [i + 1] : []));
const codes = (r: Report) => [...new Set(r.findings.map((f) => f.code))].sort();
const statuses = (r: Report) => r.parameters.map((p) => p.status);

const CONSTRUCT = {
  detach: /\.detach_?\(/,
  "no-grad": /noGrad\(|setGradEnabled\(\s*false/,
  "requires-grad-false": /requiresGrad/,
} as const;

async function check(name: string, steps?: number): Promise<Report> {
  const report = analyze(await runFile(`examples/${name}.ts`, { workerPath, cwd: root, steps }));
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

/** A missing example file is a failure, not a skipped test. */
const example = (name: string) => (title: string, body: () => Promise<void>, timeout?: number) =>
  it(title, async () => {
    expect(existsSync(join(root, "examples", `${name}.ts`)), `examples/${name}.ts exists`).toBe(true);
    await body();
  }, timeout);

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

  const lin = (i: number) => [`lin${i}.weight`, `lin${i}.bias`];
  const table = (r: Report) => r.parameters.map((p) => [p.name, p.status, p.cause?.kind ?? null, p.cause?.line ?? null]);

  example("chain-detach")("chain-detach: lin0, lin1 (and the input x) are cut at the detach line; GL001 there", async () => {
    const r = await check("chain-detach");
    const at = linesOf("chain-detach", /x2 = x2\.detach\(\)/)[0];
    expect(table(r)).toEqual([
      ...[...lin(0), ...lin(1)].map((n) => [n, "cut", "detach", at]),
      ...[...lin(2), ...lin(3)].map((n) => [n, "updated", null, null]),
      ["x", "cut", "detach", at],
    ]);
    expect(r.cuts.map((c) => [c.kind, c.line, c.blocked, c.gotGradElsewhere])).toEqual([["detach", at, [...lin(0), ...lin(1), "x"], []]]);
    expect(r.findings.map((f) => [f.code, f.severity, f.line, f.parameters])).toEqual([["GL001", "error", at, [...lin(0), ...lin(1)]]]);
    expect(r.backwards[0].byModule).toEqual({ lin0: 0, lin1: 0, lin2: 2, lin3: 2 });
  }, 30_000);

  example("no-grad-middle")("no-grad-middle: lin1 and everything before it are cut by the noGrad region; GL001 there", async () => {
    const r = await check("no-grad-middle");
    const at = linesOf("no-grad-middle", /noGrad\(\(\) =>/)[0];
    expect(table(r)).toEqual([
      ...[...lin(0), ...lin(1)].map((n) => [n, "cut", "no-grad", at]),
      ...[...lin(2), ...lin(3)].map((n) => [n, "updated", null, null]),
      ["x", "cut", "no-grad", at],
    ]);
    expect(r.cuts.map((c) => [c.kind, c.line, c.endLine, c.blocked])).toEqual([["no-grad", at, at, [...lin(0), ...lin(1), "x"]]]);
    expect(r.findings.map((f) => [f.code, f.line, f.parameters])).toEqual([["GL001", at, [...lin(0), ...lin(1)]]]);
  }, 30_000);

  example("frozen-middle")("frozen-middle: lin2 frozen at its requiresGrad_ line, the rest train through it; GL003 and GL010", async () => {
    const r = await check("frozen-middle");
    const at = linesOf("frozen-middle", /lin2\.requiresGrad_\(false\)/)[0];
    expect(table(r)).toEqual([
      ...[...lin(0), ...lin(1)].map((n) => [n, "updated", null, null]),
      ...lin(2).map((n) => [n, "frozen", "requires-grad-false", at]),
      ...lin(3).map((n) => [n, "updated", null, null]),
      ["x", "grad-not-applied", "not-in-optimizer", linesOf("frozen-middle", /const x = randn/)[0]],
    ]);
    expect(r.backwards[0].byModule).toEqual({ lin0: 2, lin1: 2, lin2: 0, lin3: 2 });
    expect(r.findings.map((f) => [f.code, f.severity, f.line, f.parameters])).toEqual([
      ["GL003", "info", linesOf("frozen-middle", /new optim\.SGD/)[0], lin(2)],
      ["GL010", "info", at, lin(2)],
    ]);
  }, 30_000);

  example("branch-detach")("branch-detach: x accumulates both losses (56, GL005); with p2 = z2.detach() only w2's (48)", async () => {
    const r = await check("branch-detach");
    const [pq, w] = [linesOf("branch-detach", /pq\.backward/)[0], linesOf("branch-detach", /w\.backward/)[0]];
    // backward calls in order: pq (0), w (1), p2·q2 (2), w2 (3)
    expect(r.parameters.map((p) => [p.name, p.reachedBy])).toEqual([
      ["x", [0, 1]], ["q", [0]], ["x2", [3]], ["q2", [2]],
    ]);
    expect(r.findings.map((f) => [f.code, f.line, f.parameters, f.related.map((s) => s.line)])).toEqual([["GL005", w, ["x"], [pq, w]]]);
    expect(r.cuts.map((c) => [c.kind, c.line, c.blocked, c.gotGradElsewhere])).toEqual([
      ["detach", linesOf("branch-detach", /z2\.detach\(\)/)[0], ["x2"], ["x2"]],
    ]);
    expect(r.stopped.reason).toBe("end-of-file");
    expect(r.console).toEqual(["p = z          -> x.grad = 56", "p = z.detach() -> x.grad = 48"]);
  }, 30_000);

  example("eval-no-grad")("eval-no-grad: evaluation under noGrad cuts nothing; everything trains; no findings", async () => {
    const r = await check("eval-no-grad");
    expect(statuses(r).every((s) => s === "updated")).toBe(true);
    expect(r.cuts.map((c) => [c.kind, c.line, c.blocked])).toEqual([["no-grad", linesOf("eval-no-grad", /noGrad\(\(\) =>/)[0], []]]);
    expect(r.findings).toEqual([]);
  }, 30_000);

  example("optimizer-subset")("optimizer-subset: model1 gets a gradient no optimizer applies (GL004 at the optimizer)", async () => {
    const r = await check("optimizer-subset");
    expect(r.parameters.map((p) => [p.name, p.status, p.cause?.kind ?? null])).toEqual([
      ["model1.weight", "grad-not-applied", "not-in-optimizer"], ["model1.bias", "grad-not-applied", "not-in-optimizer"],
      ["model2.weight", "updated", null], ["model2.bias", "updated", null], ["fc.weight", "updated", null], ["fc.bias", "updated", null],
    ]);
    expect(r.findings.map((f) => [f.code, f.severity, f.line, f.parameters])).toEqual([
      ["GL004", "warning", linesOf("optimizer-subset", /new optim\.SGD/)[0], ["model1.weight", "model1.bias"]],
    ]);
  }, 30_000);

  example("lr-zero-groups")("lr-zero-groups: model2 and fc groups have lr 0: grad-not-applied, one GL002 per group", async () => {
    const r = await check("lr-zero-groups");
    const opt = linesOf("lr-zero-groups", /new optim\.SGD/)[0];
    expect(r.parameters.map((p) => [p.name, p.status, p.cause?.kind ?? null, p.groups.map((g) => [g.group, g.lr])])).toEqual([
      ["model1.weight", "updated", null, [[0, 0.01]]], ["model1.bias", "updated", null, [[0, 0.01]]],
      ["model2.weight", "grad-not-applied", "lr-zero", [[1, 0]]], ["model2.bias", "grad-not-applied", "lr-zero", [[1, 0]]],
      ["fc.weight", "grad-not-applied", "lr-zero", [[2, 0]]], ["fc.bias", "grad-not-applied", "lr-zero", [[2, 0]]],
    ]);
    expect(r.findings.map((f) => [f.code, f.line, f.parameters])).toEqual([
      ["GL002", opt, ["model2.weight", "model2.bias"]], ["GL002", opt, ["fc.weight", "fc.bias"]],
    ]);
  }, 30_000);

  const G = ["G.0.weight", "G.0.bias", "G.2.weight", "G.2.bias"];
  const D = ["D.0.weight", "D.0.bias", "D.2.weight", "D.2.bias"];

  example("gan")("gan: D's loss reaches D only, G's loss reaches G and D; the detach cuts G from lossD only; no findings", async () => {
    const r = await check("gan");
    const [lossD, lossG] = [linesOf("gan", /lossD\.backward/)[0], linesOf("gan", /lossG\.backward/)[0]];
    expect(r.backwards.map((b) => [b.line, b.byModule])).toEqual([[lossD, { G: 0, D: 4 }], [lossG, { G: 4, D: 4 }], [lossD, { G: 0, D: 4 }]]);
    expect(r.backwards[0].reached.sort()).toEqual([...D].sort());
    expect(r.parameters.map((p) => [p.name, p.status, p.reachedBy])).toEqual([
      ...G.map((n) => [n, "updated", [1]]), ...D.map((n) => [n, "updated", [0, 1, 2]]),
    ]);
    expect(r.cuts.map((c) => [c.kind, c.line, c.blocked, c.gotGradElsewhere])).toEqual([["detach", linesOf("gan", /fake\.detach\(\)/)[0], G, G]]);
    expect(r.findings).toEqual([]);
  }, 30_000);

  example("gan-no-detach")("gan-no-detach: D's loss also reaches G and optG steps with it (GL006), the detach belongs at G's output (GL011)", async () => {
    const r = await check("gan-no-detach");
    const [lossD, lossG] = [linesOf("gan-no-detach", /lossD\.backward/)[0], linesOf("gan-no-detach", /lossG\.backward/)[0]];
    expect(r.backwards.map((b) => [b.line, b.byModule])).toEqual([[lossD, { G: 4, D: 4 }], [lossG, { G: 4, D: 4 }], [lossD, { G: 4, D: 4 }]]);
    expect(r.findings.map((f) => [f.code, f.severity, f.parameters])).toEqual([["GL006", "error", G], ["GL011", "info", G]]);
    const gl006 = r.findings[0];
    expect(gl006.line).toBe(linesOf("gan-no-detach", /optG\.step\(\)/)[0]);
    expect(gl006.related.map((s) => s.line)).toEqual([lossD, linesOf("gan-no-detach", /const optD/)[0]]);
    expect(r.cuts).toEqual([]);
  }, 30_000);

  example("frozen-backbone")("frozen-backbone: the backbone is frozen at its requiresGrad_ line and blocked there; the head trains; no findings", async () => {
    const r = await check("frozen-backbone");
    const at = linesOf("frozen-backbone", /backbone\.requiresGrad_\(false\)/)[0];
    const backbone = r.parameters.filter((p) => p.name.startsWith("backbone."));
    expect(backbone.length).toBeGreaterThan(0);
    for (const p of backbone) expect([p.status, p.cause!.kind, p.cause!.line]).toEqual(["frozen", "requires-grad-false", at]);
    expect(r.parameters.filter((p) => p.name.startsWith("head.")).map((p) => p.status)).toEqual(["updated", "updated"]);
    expect(r.cuts.map((c) => [c.kind, c.line, c.blocked])).toEqual([["requires-grad-false", at, backbone.map((p) => p.name)]]);
    expect(r.backwards[0].byModule).toEqual({ backbone: 0, head: 2 });
    expect(r.findings).toEqual([]);
  }, 30_000);
});
