import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { EDITOR_LIMIT_NAMES } from "../../../src/extension/core/settings";
import { CLI_LIMIT_NAMES } from "../../../src/runner/limits";
import { runPythonFile } from "../../../src/runner/python/runPython";
import { validateTrace } from "../../../src/trace/schema";
import { torchPython, NO_TORCH } from "./torchPython";

// The PyTorch backend end to end: the tracer in a real Python with torch, through the TS runner.

const root = process.cwd();
const lineOf = (name: string, text: string) => readFileSync(join(root, "examples/python", name), "utf8").split("\n").findIndex((l) => l.includes(text)) + 1;
const run = (name: string, extra: Parameters<typeof runPythonFile>[1] = {}) =>
  runPythonFile(`examples/python/${name}`, { cwd: root, python: torchPython!, ...extra });

describe.skipIf(torchPython === null)(`running .py scripts (${torchPython ?? NO_TORCH})`, () => {
  it("writes a Trace the schema accepts, with parameters named as named_parameters() does", async () => {
    const trace = await run("gan.py");
    expect(validateTrace(trace)).toEqual([]);
    expect(trace.leaves.filter((l) => l.kind === "parameter").map((l) => l.name)).toEqual([
      "G.0.weight", "G.0.bias", "G.2.weight", "G.2.bias", "D.0.weight", "D.0.bias", "D.2.weight", "D.2.bias",
    ]);
    expect(trace.optimizers.map((o) => [o.name, o.className, o.groups[0].lr])).toEqual([["optG", "Adam", 1e-3], ["optD", "Adam", 1e-3]]);
    // one detach per iteration: the run stopped at the second optD.step()
    expect(trace.detaches).toHaveLength(2);
    expect(trace.detaches[1].site).toEqual({ file: "examples/python/gan.py", line: lineOf("gan.py", "D(fake.detach())"), column: 55 });
    // each D step's backward reaches D's 4 tensors, the G step's both nets' 8
    expect(trace.backwards.map((b) => b.reached.length)).toEqual([4, 8, 4]);
    expect(trace.console).toContain("step 0: lossD 1.6399, lossG 0.4682");
  }, 60_000);

  it("reports a Python exception with torch's wording at the user's line, keeping what ran before", async () => {
    const trace = await run("throws-midway.py");
    expect(trace.error).toMatchObject({
      kind: "exception",
      message: "RuntimeError: mat1 and mat2 shapes cannot be multiplied (4x5 and 6x2)",
      file: "examples/python/throws-midway.py",
      line: lineOf("throws-midway.py", "out = h.matmul(w2)"),
    });
    expect(trace.ops.map((o) => o.op)).toEqual(["matmul", "relu"]);
    expect(trace.console).toContain("hidden layer done");
  }, 60_000);

  it("reports a SyntaxError at its line and column and runs nothing", async () => {
    const trace = await run("syntax-error.py");
    expect(trace.error).toMatchObject({ kind: "syntax", message: "SyntaxError: '(' was never closed", line: 5, column: 20 });
    expect(trace.leaves).toEqual([]);
  }, 60_000);

  it("stops a script that never ends at the time limit, at the line it was running, naming the caller's setting", async () => {
    const trace = await run("never-ends.py", { timeoutMs: 1500, limitNames: EDITOR_LIMIT_NAMES });
    expect(trace.stopped.reason).toBe("timeout");
    expect(trace.error).toMatchObject({ kind: "timeout", message: "the file did not finish within 1.5 s (setting gradlens.timeoutSeconds)" });
    // Python runs the alarm's handler at the loop's next check point: in its body or at its condition
    expect([lineOf("never-ends.py", "while error"), lineOf("never-ends.py", "with no_grad()")]).toContain(trace.error?.line);
    expect(trace.gradModes.length).toBeGreaterThan(2);
  }, 60_000);

  it("stops a script that allocates without bound at the memory limit (an address-space limit), at its line", async () => {
    const trace = await run("unbounded-memory.py", { memoryMb: 512, limitNames: CLI_LIMIT_NAMES });
    expect(trace.stopped.reason).toBe("memory");
    expect(trace.error).toMatchObject({
      kind: "memory", message: "the file used more than its 512 MB memory limit (--memory)", line: lineOf("unbounded-memory.py", "kept.append"),
    });
  }, 60_000);

  it("passes the arguments after -- to the script's argparse and runs its __main__ block", async () => {
    const trace = await run("argparse-main.py", { scriptArgs: ["--epochs", "3", "--lr", "0.5"] });
    expect(trace.error).toBeNull();
    expect(trace.console).toEqual(["epoch 0: loss 0.9618 (lr 0.5, hidden 16)"]);
    expect(trace.optimizers[0].groups[0].lr).toBe(0.5);
    expect(trace.leaves.filter((l) => l.kind === "parameter").map((l) => l.name)).toEqual([
      "model.body.0.weight", "model.body.0.bias", "model.head.weight", "model.head.bias",
    ]);
  }, 60_000);

  it("stops a DataLoader script with worker processes and leaves no process behind", async () => {
    const trace = await run("dataloader-workers.py");
    expect(trace.error).toBeNull();
    expect(trace.stopped).toMatchObject({ reason: "step-budget", line: lineOf("dataloader-workers.py", "optimizer.step()") });
    const left = spawnSync("pgrep", ["-f", resolve(root, "examples/python/dataloader-workers.py")]);
    expect(left.stdout.toString()).toBe("");
  }, 60_000);

  it("cancels: the whole process group ends and the Trace says cancelled", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 500);
    const trace = await run("never-ends.py", { timeoutMs: 60_000, signal: controller.signal });
    expect(trace.stopped.reason).toBe("cancelled");
    expect(trace.error?.kind).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);

  it("names the interpreter and how to choose another when it has no torch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlens-notorch-"));
    try {
      // -S: without site-packages this interpreter cannot import torch
      const python = join(dir, "python-without-torch");
      writeFileSync(python, `#!/bin/sh\nexec ${torchPython} -S "$@"\n`);
      chmodSync(python, 0o755);
      const trace = await run("gan.py", { python });
      expect(trace.error).toMatchObject({ kind: "missing-import" });
      expect(trace.error!.message).toBe(
        `no torch in ${python}: tried ${python} (given); choose an interpreter with torch installed: --python PATH, the GRADLENS_PYTHON environment variable, or (in VS Code) the Python extension's interpreter or the gradlens.pythonPath setting`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("choosing the interpreter", () => {
  it("reports a missing interpreter by name, without running anything", async () => {
    const trace = await runPythonFile("examples/python/gan.py", { cwd: root, python: "/nonexistent/python3" });
    expect(trace.error).toMatchObject({ kind: "missing-import", file: "examples/python/gan.py", line: 1 });
    expect(trace.error!.message).toMatch(/^no Python at "\/nonexistent\/python3": tried \/nonexistent\/python3 \(given\); choose an interpreter/);
  });

  it("without --python or GRADLENS_PYTHON and nothing on PATH, says so", async () => {
    const trace = await runPythonFile("examples/python/gan.py", { cwd: root, env: { PATH: "/nonexistent" } });
    expect(trace.error!.message).toMatch(/^no Python to run examples\/python\/gan.py: no python3 or python on PATH; choose/);
  });
});
