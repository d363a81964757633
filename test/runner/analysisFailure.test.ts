import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAnalysisFailure, runCheck } from "../../src/runner/check";
import { analyze } from "../../src/analysis/index";
import { stopSpare } from "../../src/runner/spare";
import { buildDist } from "./buildDist";
import { forgedTrace, forgingFile } from "./forgedTrace";

// A trace the schema accepts but analysis cannot use ends as a failed run of GradLens's own (the
// CLI's exit 3, cliHostile.test.ts), with a clear message — never an exception in the host.

let workerPath = "";
let cleanup = () => {};
let dir = "";
let spoolRoot = "";
const savedTmp = process.env.TMPDIR;

beforeAll(async () => {
  const built = await buildDist(["worker"]);
  workerPath = join(built.dir, "worker.js");
  cleanup = built.cleanup;
  dir = mkdtempSync(join(tmpdir(), "gradlens-analysis-failure-"));
  // the forging file finds its run's spool directory as the only one in a private TMPDIR
  spoolRoot = mkdtempSync(join(tmpdir(), "gradlens-spool-"));
  process.env.TMPDIR = spoolRoot;
}, 60_000);

afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  stopSpare();
  cleanup();
  rmSync(dir, { recursive: true, force: true });
  rmSync(spoolRoot, { recursive: true, force: true });
});

it("the forged trace is one analysis throws on (else this test proves nothing)", () => {
  expect(() => analyze(forgedTrace("forge.ts"))).toThrow(TypeError);
});

it("a schema-valid trace that makes analysis throw is a failed run with the cause, marked as GradLens's failure", async () => {
  writeFileSync(join(dir, "forge.ts"), forgingFile("forge.ts"));
  const report = await runCheck("forge.ts", { workerPath, cwd: dir, timeoutMs: 30_000, keepWarm: false });
  expect(report.error).toMatchObject({ kind: "exception", file: "forge.ts", line: 1 });
  expect(report.error?.message).toMatch(/^GradLens failed to analyse this run \(a bug in GradLens, not in the file\): TypeError: Cannot read properties of undefined/);
  expect(report.findings).toEqual([]);
  expect(isAnalysisFailure(report)).toBe(true);
  expect(readdirSync(spoolRoot)).toEqual([]);
}, 40_000);

it("a run that fails in the model is not GradLens's failure", async () => {
  writeFileSync(join(dir, "throws.ts"), 'import "gradlens";\nthrow new Error("boom");\n');
  const report = await runCheck("throws.ts", { workerPath, cwd: dir, timeoutMs: 30_000, keepWarm: false });
  expect(report.error).toMatchObject({ kind: "exception", line: 2 });
  expect(report.error?.message).toMatch(/boom/);
  expect(isAnalysisFailure(report)).toBe(false);
}, 40_000);
