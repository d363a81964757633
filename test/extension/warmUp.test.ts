// The extension's warm-up on activation (src/extension/host/warmUp.ts): the first check must not wait
// for Node to start its child. The model prints its process id, so the test sees which child ran it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { warmUpCheck } from "../../src/extension/host/warmUp";
import { runCheck } from "../../src/runner/check";
import { stopSpare } from "../../src/runner/spare";
import { warmUpRunner } from "../../src/runner/warmUp";
import { buildDist } from "../runner/buildDist";

let dist: Awaited<ReturnType<typeof buildDist>>;
const dir = mkdtempSync(join(tmpdir(), "gradlens-warm-"));
const model = join(dir, "model.ts");

beforeAll(async () => {
  dist = await buildDist(["worker"]);
  writeFileSync(model, [
    'import { nn, optim, randn } from "gradlens";',
    "console.log(`pid ${process.pid}`);",
    "const lin = new nn.Linear(2, 1);",
    "const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });",
    "opt.zeroGrad();",
    "lin.forward(randn(4, 2)).sum().backward();",
    "opt.step();",
    "",
  ].join("\n"));
}, 120_000);

afterAll(() => {
  stopSpare();
  dist?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Process ids of this process's children running the worker. */
function workerChildren(worker: string): number[] {
  let out = "";
  try {
    out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  } catch {
    return []; // ps exits 1 when there is none
  }
  return out.split("\n").filter((l) => l.includes(worker)).map((l) => Number(l.trim().split(/\s+/)[0]));
}

describe.runIf(process.platform === "linux")("warm-up on activation", () => {
  it("starts the check's child ahead of the first check, which then runs in it", async () => {
    const worker = join(dist.dir, "worker.js");
    expect(workerChildren(worker)).toEqual([]);
    await warmUpCheck(worker, 768);
    const warmedAt = performance.now();
    const spare = workerChildren(worker);
    expect(spare).toHaveLength(1);
    // the warm-up rehearsed a whole check (bundle, run, trace, analysis) — once per host
    const rehearsal = await warmUpRunner({ workerPath: worker, memoryMb: 768 });
    expect(rehearsal?.error).toBeNull();
    expect(rehearsal?.parameters.map((p) => p.status)).toEqual(["updated", "updated", "updated", "updated"]);
    expect(workerChildren(worker)).toEqual(spare);
    const phases: string[] = [];
    const onPhase = (phase: string, note?: string) => phases.push(note === undefined ? phase : `${phase} (${note})`);
    const ranAt = performance.now();
    const report = await runCheck(model, { workerPath: worker, memoryMb: 768, cwd: dir, timeoutMs: 60_000, steps: 1, onPhase });
    expect(report.error).toBeNull();
    // the timing line's phases, in order; the warm-up's child ran the check
    expect(phases.map((p) => p.replace(/\d+ ms/, "N ms"))).toEqual(["bundle", "model run (child started N ms before)", "trace read", "analysis"]);
    // the child the run took is the warm-up's: older than the time since the warm-up ended
    const age = Number(/started (\d+) ms/.exec(phases[1]!)![1]);
    expect(age).toBeGreaterThanOrEqual(Math.floor(ranAt - warmedAt));
    expect(report.parameters.map((p) => [p.name, p.status])).toEqual([["lin.weight", "updated"], ["lin.bias", "updated"]]);
    expect(report.console).toContain(`pid ${spare[0]}`);
    // the next check's child waits in its place (the used one exits on its own after its trace was read)
    for (let i = 0; i < 100 && workerChildren(worker).includes(spare[0]!); i++) await new Promise((r) => setTimeout(r, 50));
    const next = workerChildren(worker);
    expect(next).toHaveLength(1);
    expect(next[0]).not.toBe(spare[0]);
  }, 120_000);

  it("a check with another memory limit starts its own child: younger than the check", async () => {
    const worker = join(dist.dir, "worker.js");
    await new Promise((r) => setTimeout(r, 300)); // the waiting spare ages
    const phases: string[] = [];
    const ranAt = performance.now();
    const report = await runCheck(model, { workerPath: worker, memoryMb: 512, cwd: dir, timeoutMs: 60_000, steps: 1, onPhase: (p, n) => phases.push(n ?? p) });
    const took = performance.now() - ranAt;
    expect(report.error).toBeNull();
    const age = Number(/^child started (\d+) ms before$/.exec(phases[1]!)![1]);
    expect(age).toBeLessThan(took);
    expect(phases.filter((_, i) => i !== 1)).toEqual(["bundle", "trace read", "analysis"]);
  }, 120_000);
});
