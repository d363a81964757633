import { expect, it } from "vitest";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAnalysisFailure, runCheck } from "../../src/runner/check";
import { analyze } from "../../src/analysis/index";
import { useBuiltWorker } from "./buildDist";
import { forgedTrace, forgingFile } from "./forgedTrace";

// A trace the schema accepts but analysis cannot use ends as a failed run of GradLens's own (the
// CLI's exit 3, cliHostile.test.ts), with a clear message — never an exception in the host.

// the forging file finds its run's spool directory as the only one in a private TMPDIR
const worker = useBuiltWorker("analysis-failure", { privateTmpdir: true });

it("the forged trace is one analysis throws on (else this test proves nothing)", () => {
  expect(() => analyze(forgedTrace("forge.ts"))).toThrow(TypeError);
});

it("a schema-valid trace that makes analysis throw is a failed run with the cause, marked as GradLens's failure", async () => {
  writeFileSync(join(worker.dir, "forge.ts"), forgingFile("forge.ts"));
  const report = await runCheck("forge.ts", { workerPath: worker.workerPath, cwd: worker.dir, timeoutMs: 30_000, keepWarm: false });
  expect(report.error).toMatchObject({ kind: "exception", file: "forge.ts", line: 1 });
  expect(report.error?.message).toMatch(/^GradLens failed to analyse this run \(a bug in GradLens, not in the file\): TypeError: Cannot read properties of undefined/);
  expect(report.findings).toEqual([]);
  expect(isAnalysisFailure(report)).toBe(true);
  expect(readdirSync(worker.spoolRoot)).toEqual([]);
}, 40_000);

it("a run that fails in the model is not GradLens's failure", async () => {
  writeFileSync(join(worker.dir, "throws.ts"), 'import "gradlens";\nthrow new Error("boom");\n');
  const report = await runCheck("throws.ts", { workerPath: worker.workerPath, cwd: worker.dir, timeoutMs: 30_000, keepWarm: false });
  expect(report.error).toMatchObject({ kind: "exception", line: 2 });
  expect(report.error?.message).toMatch(/boom/);
  expect(isAnalysisFailure(report)).toBe(false);
}, 40_000);
