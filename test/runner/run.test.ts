import { describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI_LIMIT_NAMES } from "../../src/runner/limits";
import { runFile, type RunOptions } from "../../src/runner/run";
import { validateTrace, type Trace } from "../../src/trace/schema";
import { useBuiltWorker } from "./buildDist";

// The runner end to end: esbuild bundle → worker (built from source for this file) → Trace.

const worker = useBuiltWorker("run");

async function run(name: string, source: string, options: RunOptions = {}): Promise<Trace> {
  writeFileSync(join(worker.dir, name), source);
  const trace = await runFile(name, { workerPath: worker.workerPath, cwd: worker.dir, timeoutMs: 15_000, ...options });
  expect(validateTrace(trace)).toEqual([]);
  return trace;
}

describe("runFile", () => {
  it("traces the user's file with TypeScript sites, variable names and console output", async () => {
    const trace = await run(
      "branch.ts",
      [
        'import { randn } from "gradlens";',
        "const x = randn(3, { requiresGrad: true });",
        "const q = randn(3, { requiresGrad: true });",
        "const y: ReturnType<typeof randn> = x.mul(2);",
        "const z = y.detach().add(q);",
        'console.log("sum", 1 + 1);',
        "z.sum().backward();",
      ].join("\n"),
    );
    expect(trace.error).toBeNull();
    expect(trace.stopped.reason).toBe("end-of-file");
    expect(trace.leaves.map((l) => [l.name, l.site])).toEqual([
      ["x", { file: "branch.ts", line: 2, column: 11 }],
      ["q", { file: "branch.ts", line: 3, column: 11 }],
    ]);
    expect(trace.detaches.map((d) => d.site)).toEqual([{ file: "branch.ts", line: 5, column: 13 }]);
    expect(trace.backwards.map((b) => [b.site?.line, b.reached.length])).toEqual([[7, 1]]);
    expect(trace.console).toEqual(["sum 2"]);
  });

  it("runs top-level await and an un-awaited async main, and stops before backward 21 without an optimizer", async () => {
    const trace = await run(
      "loop.ts",
      [
        'import { randn } from "gradlens";',
        "const w = randn(2, { requiresGrad: true });",
        "await new Promise((r) => setTimeout(r, 1));",
        "async function main() {",
        "  for (let i = 0; i < 1000; i++) {",
        "    await new Promise((r) => setTimeout(r, 1));",
        "    w.mul(i).sum().backward();",
        "  }",
        '  console.log("not reached");',
        "}",
        "main();",
      ].join("\n"),
      { limitNames: CLI_LIMIT_NAMES }, // the budget is worded with the caller's knob
    );
    expect(trace.error).toBeNull();
    expect(trace.backwards).toHaveLength(20);
    expect(trace.stopped).toMatchObject({ reason: "backward-budget", file: "loop.ts", line: 7, column: 20 });
    expect(trace.stopped.message).toBe("stopped before the 21st backward() call: the file has no optimizer, and 20 backward() calls were checked (--steps 1 × 20)");
    expect(trace.console).toEqual([]);
  });

  it("honours a larger step budget", async () => {
    const trace = await run(
      "budget.ts",
      ['import { randn } from "gradlens";', "const w = randn(2, { requiresGrad: true });", "for (let i = 0; i < 500; i++) w.sum().backward();"].join("\n"),
      { steps: 3 },
    );
    expect(trace.backwards).toHaveLength(60);
    expect(trace.stopped.reason).toBe("backward-budget");
  });

  it("reports a syntax error at its line and column without running anything", async () => {
    const trace = await run("bad.ts", 'import { randn } from "gradlens";\nconst a = randn(2;\n');
    expect(trace.error).toMatchObject({ kind: "syntax", file: "bad.ts", line: 2, column: 18 });
    expect(trace.stopped.reason).toBe("error");
  });

  it("reports an import gradlens does not have", async () => {
    const trace = await run("imp.ts", 'import { randn, torchify } from "gradlens";\nrandn(1);\ntorchify();\n');
    expect(trace.error).toMatchObject({ kind: "missing-import", file: "imp.ts", line: 1, column: 17 });
    expect(trace.error!.message).toBe('"gradlens" has no export named "torchify"');
  });

  it("reports a file that does not import gradlens at all", async () => {
    const trace = await run("plain.ts", "const a = 1;\nconsole.log(a);\n");
    expect(trace.error).toMatchObject({ kind: "missing-import", file: "plain.ts", line: 1, column: 1 });
    expect(trace.error!.message).toMatch(/^the file does not import "gradlens"/);
  });

  it("keeps what ran before an engine error, and reports the error at the user's line", async () => {
    const trace = await run(
      "throws.ts",
      ['import { randn } from "gradlens";', "const a = randn(2, 3);", "const b = a.relu();", "function f() {", "  return b.matmul(randn(4, 5));", "}", "f();"].join("\n"),
    );
    expect(trace.error).toMatchObject({ kind: "exception", file: "throws.ts", line: 5, column: 12 });
    expect(trace.error!.message).toContain("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)");
    expect(trace.error!.stack).toContain("at f (throws.ts:5:12)");
    expect(trace.ops.map((o) => o.op)).toEqual(["relu"]);
    expect(trace.stopped).toMatchObject({ reason: "error", line: 5 });
  });

  it("reports an unhandled rejection where it was created", async () => {
    const trace = await run("reject.ts", 'import { randn } from "gradlens";\nrandn(1);\nasync function load() {\n  throw new Error("no data");\n}\nload();\n');
    expect(trace.error).toMatchObject({ kind: "rejection", message: "no data", file: "reject.ts", line: 4, column: 9 });
  });

  it("lets the file import Node built-ins and its own modules, with sites in the right file", async () => {
    writeFileSync(join(worker.dir, "helper.ts"), 'import { randn } from "gradlens";\nexport function makeWeight() {\n  return randn(2, { requiresGrad: true });\n}\n');
    const trace = await run("main.ts", 'import { format } from "node:util";\nimport { makeWeight } from "./helper";\nconst w = makeWeight();\nconsole.log(format("%d", 7));\n');
    expect(trace.error).toBeNull();
    expect(trace.leaves.map((l) => l.site)).toEqual([{ file: "helper.ts", line: 3, column: 10 }]);
    expect(trace.console).toEqual(["7"]);
  });

  it("kills a worker stuck in plain JavaScript at the time limit", async () => {
    const trace = await run("spin.ts", 'import { randn } from "gradlens";\nrandn(1);\nwhile (true) {}\n', { timeoutMs: 300 });
    expect(trace.error).toMatchObject({ kind: "timeout", file: "spin.ts" });
    expect(trace.stopped.reason).toBe("timeout");
  });

  // budgets that hold on a loaded machine, where the child's start alone can take seconds
  it("stops an engine loop at the deadline from inside the worker, keeping its trace", async () => {
    const trace = await run("busy.ts", 'import { randn } from "gradlens";\nconst a = randn(2);\nfor (;;) a.relu();\n', { timeoutMs: 8000 });
    expect(trace.error).toMatchObject({ kind: "timeout", file: "busy.ts", line: 3, column: 12 });
    expect(trace.ops.length).toBeGreaterThan(0);
  }, 40_000);

  it("cancels through an AbortSignal", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const trace = await run("spin2.ts", 'import "gradlens";\nwhile (true) {}\n', { signal: controller.signal });
    expect(trace.error).toMatchObject({ kind: "cancelled" });
    expect(trace.stopped.reason).toBe("cancelled");
  });

  it("treats process.exit() as the end of the file", async () => {
    const trace = await run("exit.ts", 'import { randn } from "gradlens";\nasync function main() {\n  randn(1, { requiresGrad: true }).sum().backward();\n}\nmain().then(() => process.exit(0));\n');
    expect(trace.error).toBeNull();
    expect(trace.stopped).toMatchObject({ reason: "end-of-file", message: "the file called process.exit(0)", line: 5, column: 27 });
    expect(trace.backwards).toHaveLength(1);
  });

  it("reports a missing file", async () => {
    const trace = await runFile("nope.ts", { workerPath: worker.workerPath, cwd: worker.dir });
    expect(trace.error).toMatchObject({ kind: "exception", message: "no such file: nope.ts" });
  });
});
