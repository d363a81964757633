// The extension's warm-up on activation (src/extension/host/warmUp.ts): the first check must not wait
// for Node to start its child. The model prints its process id, so the test sees which child ran it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { warmUpCheck } from "../../src/extension/host/warmUp";
import { runCheck } from "../../src/runner/check";
import { stopSpare } from "../../src/runner/spare";
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
    const spare = workerChildren(worker);
    expect(spare).toHaveLength(1);
    const report = await runCheck(model, { workerPath: worker, memoryMb: 768, cwd: dir, timeoutMs: 60_000, steps: 1 });
    expect(report.error).toBeNull();
    expect(report.parameters.map((p) => [p.name, p.status])).toEqual([["lin.weight", "updated"], ["lin.bias", "updated"]]);
    expect(report.console).toContain(`pid ${spare[0]}`);
    // the next check's child waits in its place (the used one exits on its own after its trace was read)
    for (let i = 0; i < 100 && workerChildren(worker).includes(spare[0]!); i++) await new Promise((r) => setTimeout(r, 50));
    const next = workerChildren(worker);
    expect(next).toHaveLength(1);
    expect(next[0]).not.toBe(spare[0]);
  }, 120_000);
});
