import { describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runFile } from "../../src/runner/run";
import { GRAPH_REPEATS_KEPT, REPEATS_KEPT } from "../../src/trace/repeats";
import { validateTrace, type Trace } from "../../src/trace/schema";
import { useBuiltWorker } from "./buildDist";

// An endless loop of engine ops that never reaches backward() or step() used to grow the trace
// without bound (18 MB after 10 s, 80 MB after 30 s), and writing and reading it made the check
// end long after its time limit. The trace's size is bounded however long the loop runs (wall
// times belong in `npm run bench`, not here).

const worker = useBuiltWorker("endless");

async function runFor(name: string, lines: string[], timeoutMs: number): Promise<Trace> {
  writeFileSync(join(worker.dir, name), lines.join("\n") + "\n");
  const trace = await runFile(name, { workerPath: worker.workerPath, cwd: worker.dir, timeoutMs, keepWarm: false });
  expect(validateTrace(trace)).toEqual([]);
  expect(trace.error).toMatchObject({ kind: "timeout", file: name });
  return trace;
}

describe("an endless loop of engine ops", () => {
  it("under noGrad on data: each place's ops and regions are kept a few times, then only counted", async () => {
    const trace = await runFor("noGradLoop.ts", [
      'import { randn, noGrad } from "gradlens";',
      "const w = randn(16, 16);",
      "const x = randn(8, 16);",
      "let error = Infinity;",
      "while (error > -1) error = noGrad(() => x.matmul(w).tanh().sub(1).abs().mean().item());",
    ], 10_000);
    expect(trace.error?.line).toBe(5);
    // five ops a turn, thousands of turns in the seconds the file ran
    expect(trace.limits.repeatsDropped).toBeGreaterThan(1000);
    expect(trace.ops.length).toBeLessThanOrEqual(5 * REPEATS_KEPT + 5);
    // an enter and an exit per region: those with ops inside, then as many empty ones
    expect(trace.gradModes.length).toBeLessThanOrEqual(4 * REPEATS_KEPT + 4);
    expect(trace.ops.map((o) => o.op).slice(0, 5)).toEqual(["mm", "tanh", "sub", "abs", "mean"]);
    expect(JSON.stringify(trace).length).toBeLessThan(200_000);
  }, 40_000);

  it("building a graph that no backward() uses: each place is kept up to a bound, the rest is a truncation", async () => {
    const trace = await runFor("graphLoop.ts", [
      'import { randn, nn } from "gradlens";',
      "const model = new nn.Linear(16, 4);",
      "const x = randn(8, 16);",
      "for (;;) model.call(x).tanh().sum();",
    ], 10_000);
    expect(trace.error?.line).toBe(4);
    expect(trace.limits.opsDropped).toBeGreaterThan(0);
    const perPlace = new Map<string, number>();
    for (const o of trace.ops) perPlace.set(`${o.op}@${o.site?.line}`, (perPlace.get(`${o.op}@${o.site?.line}`) ?? 0) + 1);
    expect(Math.max(...perPlace.values())).toBe(GRAPH_REPEATS_KEPT);
    expect(trace.ops.length).toBeLessThanOrEqual(perPlace.size * GRAPH_REPEATS_KEPT);
    expect(JSON.stringify(trace).length).toBeLessThan(perPlace.size * GRAPH_REPEATS_KEPT * 1000);
  }, 40_000);
});
