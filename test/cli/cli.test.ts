import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ParameterReport, Report } from "../../src/protocol/report";
import { buildDist, repoRoot } from "../runner/buildDist";
import { validateReport } from "./reportShape";
import { NO_TORCH, torchPython } from "../runner/python/torchPython";

// `gradlens check` through the built CLI (dist bundle of src/cli + the worker), on the examples.

let cli = "";
let cleanup = () => {};

beforeAll(async () => {
  const built = await buildDist(["cli"]);
  cli = join(built.dir, "cli.js");
  cleanup = built.cleanup;
}, 60_000);
afterAll(() => cleanup());

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  pid: number;
}

function gradlens(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cli, ...args], { cwd: repoRoot, timeout: 60_000, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === "number" ? code : 1, stdout, stderr, pid: child.pid! });
    });
  });
}

async function checkJson(file: string, ...args: string[]): Promise<{ report: Report; code: number; pid: number }> {
  const { stdout, stderr, code, pid } = await gradlens("check", file, "--json", ...args);
  expect(stderr).toBe("");
  const report = JSON.parse(stdout) as Report;
  expect(validateReport(report)).toEqual([]);
  return { report, code, pid };
}

/** Processes whose parent is `pid` (none may outlive the CLI). */
function childrenOf(pid: number): string[] {
  const out = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.trim().split(/\s+/)[1] === String(pid));
}

const facts = (p: ParameterReport) => ({ gotGrad: p.gotGrad, updated: p.updated, status: p.status });

/** name → [gotGrad, updated, cause kind and line (null: updated, undefined: not asserted)] */
type Expected = Record<string, [boolean, boolean, (string | null)?]>;
const lin = (ids: number[], got: boolean, updated: boolean, cause?: string | null): Expected =>
  Object.fromEntries(ids.flatMap((i) => [`lin${i}.weight`, `lin${i}.bias`].map((n) => [n, [got, updated, cause] as Expected[string]])));

// Per-parameter facts of the article's scenarios, as `gradlens check --json` must report them.
const ARTICLE: Record<string, { exit: number; params: Expected }> = {
  // no optimizer: every leaf gets gradient, none is updated (names depend on how the demo is laid out)
  "branch-detach": { exit: 0, params: { "*": [true, false] } },
  "chain-detach": { exit: 1, params: { ...lin([0, 1], false, false, "detach:19"), ...lin([2, 3], true, true, null), x: [false, false] } },
  "no-grad-middle": { exit: 1, params: { ...lin([0, 1], false, false, "no-grad:18"), ...lin([2, 3], true, true, null), x: [false, false] } },
  "frozen-middle": {
    exit: 0,
    params: { ...lin([0, 1, 3], true, true, null), ...lin([2], false, false, "requires-grad-false:10"), x: [true, false, "not-in-optimizer:14"] },
  },
  "frozen-backbone": {
    exit: 0,
    params: {
      ...Object.fromEntries(["0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"].map((n) => [`backbone.${n}`, [false, false, "requires-grad-false:18"]])),
      "head.weight": [true, true, null],
      "head.bias": [true, true, null],
    },
  },
  "lr-zero-groups": {
    exit: 0,
    params: {
      "model1.weight": [true, true, null], "model1.bias": [true, true, null],
      "model2.weight": [true, false, "lr-zero:9"], "model2.bias": [true, false, "lr-zero:9"],
      "fc.weight": [true, false, "lr-zero:9"], "fc.bias": [true, false, "lr-zero:9"],
    },
  },
  "optimizer-subset": {
    exit: 0,
    params: {
      "model1.weight": [true, false, "not-in-optimizer:6"], "model1.bias": [true, false, "not-in-optimizer:6"],
      "model2.weight": [true, true, null], "model2.bias": [true, true, null], "fc.weight": [true, true, null], "fc.bias": [true, true, null],
    },
  },
  "eval-no-grad": { exit: 0, params: Object.fromEntries(["0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"].map((n) => [`model.${n}`, [true, true, null]])) },
  gan: { exit: 0, params: Object.fromEntries(["G", "D"].flatMap((m) => ["0.weight", "0.bias", "2.weight", "2.bias"].map((n) => [`${m}.${n}`, [true, true, null]]))) },
  "gan-no-detach": { exit: 1, params: Object.fromEntries(["G", "D"].flatMap((m) => ["0.weight", "0.bias", "2.weight", "2.bias"].map((n) => [`${m}.${n}`, [true, true, null]]))) },
};

describe("gradlens check on the article's examples", () => {
  const names = Object.keys(ARTICLE).filter((n) => existsSync(join(repoRoot, "examples", `${n}.ts`)));
  // two at a time: the machine's two cores
  const results = new Map<string, Promise<{ report: Report; code: number }>>();
  const resultOf = (name: string) => {
    if (!results.has(name)) {
      const i = names.indexOf(name);
      const before = i >= 2 ? resultOf(names[i - 2]).then(() => undefined, () => undefined) : Promise.resolve();
      results.set(name, before.then(() => checkJson(`examples/${name}.ts`)));
    }
    return results.get(name)!;
  };

  it.each(names)("%s: per-parameter facts, causes and exit code", async (name) => {
    for (const n of names) void resultOf(n).catch(() => {});
    const { report, code } = await resultOf(name);
    const expected = ARTICLE[name];
    expect(report.error).toBeNull();
    const any = expected.params["*"];
    if (any === undefined) expect(report.parameters.map((p) => p.name).sort()).toEqual(Object.keys(expected.params).sort());
    else expect(report.parameters.length).toBeGreaterThan(0);
    for (const p of report.parameters) {
      const [gotGrad, updated, cause] = any ?? expected.params[p.name];
      expect({ name: p.name, gotGrad: p.gotGrad, updated: p.updated }).toEqual({ name: p.name, gotGrad, updated });
      if (cause === null) expect(p.cause).toBeNull();
      else if (cause !== undefined) expect({ name: p.name, cause: p.cause && `${p.cause.kind}:${p.cause.line}` }).toEqual({ name: p.name, cause });
      if (p.cause !== null) expect(p.cause.file).toBe(`examples/${name}.ts`);
    }
    expect(code).toBe(expected.exit);
    // the article's values, printed by the file itself: 56 without the detach, 48 with it
    if (name === "branch-detach") expect(report.console.join("\n")).toMatch(/x\.grad = 56[\s\S]*x\.grad = 48/);
  });
});

describe("gradlens check", () => {
  it("stops a 10,000-epoch training loop after its first iteration and says where", async () => {
    const { report, code } = await checkJson("examples/long-training.ts");
    expect(report.error).toBeNull();
    expect(code).toBe(0);
    expect(report.stopped).toMatchObject({ reason: "step-budget", file: "examples/long-training.ts", line: 27 });
    expect(report.stopped.message).toContain("2nd optimizer step");
    expect(report.parameters.map((p) => p.name)).toEqual(["model.fc1.weight", "model.fc1.bias", "model.fc2.weight", "model.fc2.bias"]);
    for (const p of report.parameters) expect(facts(p)).toEqual({ gotGrad: true, updated: true, status: "updated" });
    expect(report.console).toEqual([expect.stringMatching(/^epoch 0: loss \d+\.\d{4}$/)]);
  });

  it("reports a syntax error at its line and column, exit code 2", async () => {
    const { report, code } = await checkJson("examples/syntax-error.ts");
    expect(code).toBe(2);
    expect(report.error).toMatchObject({ kind: "syntax", file: "examples/syntax-error.ts", line: 5, column: 27 });
    expect(report.parameters).toEqual([]);
  });

  it("reports the engine error of a file that throws midway at the matmul's line and column, keeping its parameters", async () => {
    const { report, code } = await checkJson("examples/throws-midway.ts");
    expect(code).toBe(2);
    expect(report.error).toMatchObject({ kind: "exception", file: "examples/throws-midway.ts", line: 11, column: 15 });
    expect(report.error!.message).toBe("mat1 and mat2 shapes cannot be multiplied (4x5 and 6x2)");
    expect(report.parameters.map((p) => [p.name, p.gotGrad, p.updated])).toEqual([["w1", false, false], ["w2", false, false]]);
    expect(report.console).toEqual(["hidden layer done"]);
  });

  it("stops a never-ending file at the time limit with a clear message, exit 2, no process left", async () => {
    const { report, code, pid } = await checkJson("examples/never-ends.ts", "--timeout", "1");
    expect(code).toBe(2);
    expect(report.error).toMatchObject({ kind: "timeout", message: "the file did not finish within 1 s (--timeout)", file: "examples/never-ends.ts" });
    expect(report.stopped.reason).toBe("timeout");
    expect(childrenOf(pid)).toEqual([]);
  });

  it("names --timeout for a .py script too (the tracer words its stop as the runner does)", async () => {
    const { report, code } = await checkJson("examples/python/never-ends.py", "--timeout", "1.5", "--python", torchPython ?? NO_TORCH);
    expect(code).toBe(2);
    expect(report.error).toMatchObject({ kind: "timeout", message: "the file did not finish within 1.5 s (--timeout)", file: "examples/python/never-ends.py" });
  }, 60_000);

  it("stops a file whose memory grows without bound at the memory limit, exit 2, no process left", async () => {
    // the limit covers the whole process (Node itself is ~60 MB resident)
    const { report, code, pid } = await checkJson("examples/unbounded-memory.ts", "--memory", "256", "--timeout", "60");
    expect(code).toBe(2);
    expect(report.error).toMatchObject({ kind: "memory", file: "examples/unbounded-memory.ts" });
    expect(report.error?.message).toMatch(/^the file used more than its 256 MB memory limit \(--memory\): \d+ MB resident$/);
    expect(report.stopped.reason).toBe("memory");
    expect(report.console[0]).toBe("kept 1 activations");
    expect(childrenOf(pid)).toEqual([]);
  });

  it("prints the text summary and writes SARIF to --out", async () => {
    const text = await gradlens("check", "examples/throws-midway.ts");
    expect(text.code).toBe(2);
    expect(text.stdout).toContain("The file threw an exception at examples/throws-midway.ts:11:15");
    expect(text.stdout).toMatch(/w1\s+\[3, 5\]\s+15\s+yes\s+no/);
    const out = join(repoRoot, "dist", `test-${process.pid}.sarif`);
    try {
      const sarif = await gradlens("check", "examples/syntax-error.ts", "--sarif", "--out", out);
      expect([sarif.code, sarif.stdout]).toEqual([2, ""]);
      const log = JSON.parse(readFileSync(out, "utf8"));
      expect(log.version).toBe("2.1.0");
      expect(log.runs[0].invocations[0]).toMatchObject({ executionSuccessful: false });
      expect(log.runs[0].invocations[0].toolExecutionNotifications[0].locations[0].physicalLocation.region).toEqual({ startLine: 5, startColumn: 27 });
    } finally {
      if (existsSync(out)) rmSync(out);
    }
  });

  it("rejects bad arguments with exit code 3 and one line saying what is wrong", async () => {
    const r = await gradlens("check", "examples/long-training.ts", "--steps", "zero");
    expect([r.code, r.stdout]).toEqual([3, ""]);
    expect(r.stderr).toBe('gradlens: --steps expects a positive integer up to 1,000,000, got "zero" (gradlens --help shows the options)\n');
  });
});
