import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { runFile } from "../../../src/runner/run";
import { runPythonFile } from "../../../src/runner/python/runPython";
import { analyze } from "../../../src/analysis";
import type { Report } from "../../../src/protocol/report";
import { torchPython, NO_TORCH } from "./torchPython";

// Each examples/python/<name>.py is its examples/<name>.ts written in PyTorch, line for line: the
// two backends must report the same statuses, causes (kind and line) and finding codes.

const root = process.cwd();
const workerDir = join(root, "node_modules/.cache/gradlens-python-twins");
const workerPath = join(workerDir, "worker.js");

beforeAll(async () => {
  const config = (await import(join(root, "esbuild.config.mjs"))) as {
    buildEntries(names: string[], options: { outdir: string; quiet: boolean }): Promise<void>;
  };
  await config.buildEntries(["worker"], { outdir: workerDir, quiet: true });
}, 60_000);

const TWINS = [
  "branch-detach", "chain-detach", "frozen-middle", "no-grad-middle", "optimizer-subset", "lr-zero-groups",
  "gan", "gan-no-detach", "frozen-backbone", "eval-no-grad", "long-training",
];

function summary(r: Report) {
  return {
    parameters: r.parameters.map((p) => ({
      name: p.name, status: p.status, cause: p.cause === null ? null : { kind: p.cause.kind, line: p.cause.line },
    })),
    findings: r.findings.map((f) => `${f.code} ${f.severity} line ${f.line}`).sort(),
    error: r.error,
  };
}

describe.skipIf(torchPython === null)(`a .py example and its .ts twin give the same report (${torchPython ?? NO_TORCH})`, () => {
  it.each(TWINS)("%s", async (name) => {
    const [ts, py] = await Promise.all([
      runFile(`examples/${name}.ts`, { workerPath, cwd: root }),
      runPythonFile(`examples/python/${name}.py`, { cwd: root, python: torchPython!, timeoutMs: 60_000 }),
    ]);
    expect(py.error).toBeNull();
    const a = summary(analyze(ts));
    const b = summary(analyze(py));
    expect(b).toEqual(a);
    expect(py.stopped.reason).toBe(ts.stopped.reason);
    expect(py.stopped.line).toBe(ts.stopped.line);
  }, 90_000);
});
