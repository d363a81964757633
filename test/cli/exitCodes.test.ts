import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDist, repoRoot } from "../runner/buildDist";
import { USAGE } from "../../src/cli/args";

// The built CLI's exit codes, one case each, and its one-line errors for paths that cannot be used:
// 0 clean, 1 a finding at error level, 2 the model could not run, 3 GradLens failed or was misused.

let cli = "";
let cleanup = () => {};
let work = "";

beforeAll(async () => {
  const built = await buildDist(["cli"]);
  cli = join(built.dir, "cli.js");
  cleanup = built.cleanup;
  work = mkdtempSync(join(tmpdir(), "gradlens-cli-"));
}, 60_000);
afterAll(() => {
  cleanup();
  rmSync(work, { recursive: true, force: true });
});

function gradlens(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: repoRoot, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      resolve({ code: typeof code === "number" ? code : -1, stdout, stderr });
    });
  });
}

describe("gradlens exit codes", () => {
  it("0: a clean check", async () => {
    const r = await gradlens("check", "examples/gan.ts", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.filter((f: { severity: string }) => f.severity === "error")).toEqual([]);
  });
  it("1: a finding at error level (the GAN without detach, GL006)", async () => {
    const r = await gradlens("check", "examples/gan-no-detach.ts", "--format=json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { code: string; severity: string }) => `${f.severity} ${f.code}`)).toContain("error GL006");
  });
  it("2: the model file could not run (an exception), with the cause on stdout", async () => {
    const r = await gradlens("check", "examples/throws-midway.ts", "--steps=3");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("The file threw an exception at examples/throws-midway.ts:11:15");
    expect(r.stderr).toBe("");
  });
  it("3: bare `gradlens` prints the usage on stderr", async () => {
    const r = await gradlens();
    expect(r).toEqual({ code: 3, stdout: "", stderr: USAGE + "\n" });
  });
  it("3: GradLens's own failure (a broken install without its worker script), never the model's exit 2", async () => {
    // inside dist/ (node_modules resolves as for an installed CLI), without the worker beside it
    const broken = join(repoRoot, "dist", `test-${process.pid}-broken`);
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, "cli.js"), readFileSync(cli));
    onTestFinished(() => rmSync(broken, { recursive: true, force: true }));
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(broken, "cli.js"), "check", "examples/gan.ts"], { cwd: repoRoot, timeout: 60_000 }, (error, _stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: unknown }).code) : 0, stderr });
      });
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`gradlens: GradLens is not installed completely: its worker script ${join(broken, "worker.js")} is missing\n`);
  });
  it("0: --help prints the usage on stdout", async () => {
    expect(await gradlens("--help")).toEqual({ code: 0, stdout: USAGE + "\n", stderr: "" });
  });
});

describe("gradlens path errors (exit 3, one line, nothing run)", () => {
  const oneLine = async (args: string[], message: string) => {
    const r = await gradlens(...args);
    expect(r).toEqual({ code: 3, stdout: "", stderr: `gradlens: ${message}\n` });
  };
  it("names a missing file", () => oneLine(["check", "examples/nope.ts"], "no such file: examples/nope.ts"));
  it("names a directory", () => oneLine(["check", "examples"], "examples is a directory: gradlens check takes a model file"));
  it("names a path that is not a regular file", () => oneLine(["check", "/dev/null"], "not a regular file: /dev/null"));
  it("names a missing --out folder", () =>
    oneLine(["check", "examples/gan.ts", "--out", "no-such-dir/r.json"], "no such folder for --out: no-such-dir"));
  it("refuses to overwrite the checked file with --out, and leaves it as it was", async () => {
    const model = join(work, "model.ts");
    const source = readFileSync(join(repoRoot, "examples/gan.ts"), "utf8");
    writeFileSync(model, source);
    await oneLine(["check", model, "--json", "--out", model], `--out ${model} is the file being checked: write the output to another file`);
    expect(readFileSync(model, "utf8")).toBe(source);
  });
  it("refuses a directory as --out", async () => {
    const dir = join(work, "out-dir");
    mkdirSync(dir);
    await oneLine(["check", "examples/gan.ts", "--out", dir], `--out ${dir} is a directory: name a file to write`);
  });
});
