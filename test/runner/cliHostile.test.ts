import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDist } from "./buildDist";
import { forgingFile } from "./forgedTrace";

// The same hostile files through `gradlens check` (the built CLI): the CLI itself survives, exits 2
// with the cause and the line, on time, and leaves no process behind.

let cli = "";
let cleanup = () => {};
let dir = "";

beforeAll(async () => {
  const built = await buildDist(["cli"]);
  cli = join(built.dir, "cli.js");
  cleanup = built.cleanup;
  dir = mkdtempSync(join(tmpdir(), "gradlens-cli-hostile-"));
}, 60_000);

afterAll(() => {
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function check(name: string, lines: string[], args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<Outcome> {
  writeFileSync(join(dir, name), lines.join("\n") + "\n");
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, "check", name, "--json", ...args], { cwd: dir, env, timeout: 60_000, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** gone, or a zombie left for an init that does not reap (containers) */
function dead(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return true;
  }
}

async function diesSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 40 && !dead(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return dead(pid);
}

const errorOf = (stdout: string) => (JSON.parse(stdout) as { error: { kind: string; message: string; line: number } | null }).error;

describe("gradlens check on hostile files", () => {
  it("SIGKILL of the model's process: exit 2, the signal named, at the last engine line", async () => {
    const r = await check("kill.ts", ['import { randn } from "gradlens";', "randn(2).relu();", 'process.kill(process.pid, "SIGKILL");']);
    expect(r.code).toBe(2);
    expect(errorOf(r.stdout)).toMatchObject({ kind: "exception", message: "the file's process was killed by SIGKILL", line: 2 });
  });

  it("an endless array.push at --memory 256: exit 2, a memory error", async () => {
    const r = await check("oom.ts", ['import "gradlens";', "const a: number[] = [];", "for (;;) a.push(0.5);"], ["--memory", "256", "--timeout", "60"]);
    expect(r.code).toBe(2);
    expect(errorOf(r.stdout)?.kind).toBe("memory");
  }, 60_000);

  it("process.exit(3): exit 2, not a clean run", async () => {
    const r = await check("exit3.ts", ['import "gradlens";', "process.exit(3);"]);
    expect(r.code).toBe(2);
    expect(errorOf(r.stdout)).toMatchObject({ message: "the file called process.exit(3)", line: 2 });
  });

  it("execSync(\"sleep 30\") with --timeout 4: exit 2 on time, the sleep killed too", async () => {
    const pidFile = join(dir, "sleep.pid");
    const r = await check("block.ts", [
      'import { randn } from "gradlens";',
      'import { execSync } from "node:child_process";',
      "randn(2).relu();",
      `execSync("echo $$ > ${pidFile}; exec sleep 30", { shell: "/bin/sh" });`,
    ], ["--timeout", "4"]);
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(4000 + 4000);
    expect(errorOf(r.stdout)).toMatchObject({ kind: "timeout", line: 3 });
    const pid = Number(readFileSync(pidFile, "utf8"));
    let state = "";
    try {
      state = readFileSync(`/proc/${pid}/status`, "utf8");
    } catch {
      state = "gone";
    }
    expect(state === "gone" || /^State:\s+Z/m.test(state)).toBe(true);
  }, 30_000);

  it("a million lines written to stdout: the check completes with a bounded tail", async () => {
    const r = await check("flood.ts", ['import "gradlens";', "for (let i = 0; i < 1_000_000; i++) process.stdout.write(`line ${i}\\n`);"], ["--timeout", "60"]);
    expect(r.code).toBe(0);
    const consoleLines = (JSON.parse(r.stdout) as { console: string[] }).console;
    expect(consoleLines.at(-1)).toBe("line 999999");
    expect(consoleLines.length).toBeLessThan(10_000);
  }, 90_000);

  it("an error printed with console.error, then process.exit(1): exit 2 with the shape error at its line, not a finding", async () => {
    const r = await check("catch.ts", [
      'import { randn } from "gradlens";',
      "async function main() {",
      "  randn(2, 3).matmul(randn(2, 3));",
      "}",
      "main().catch((e) => {",
      "  console.error(e);",
      "  process.exit(1);",
      "});",
    ]);
    expect(r.code).toBe(2);
    const error = errorOf(r.stdout);
    expect(error).toMatchObject({ kind: "exception", line: 3 });
    expect(error?.message).toMatch(/mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/);
  });

  it("a blocking read of stdin returns end-of-file: exit 0", async () => {
    const r = await check("stdin.ts", ['import "gradlens";', 'import { readFileSync } from "node:fs";', 'console.log("read", JSON.stringify(readFileSync(0, "utf8")));']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { console: string[] }).console).toEqual(['read ""']);
  });

  it("Ctrl-C (SIGINT) cancels a file blocked in execSync at once: exit 2, cancelled, the sleep killed", async () => {
    const pidFile = join(dir, "cancel.pid");
    writeFileSync(join(dir, "cancel.ts"), ['import "gradlens";', 'import { execSync } from "node:child_process";', `execSync("echo $$ > ${pidFile}; exec sleep 30", { shell: "/bin/sh" });`].join("\n") + "\n");
    const proc = spawn(process.execPath, [cli, "check", "cancel.ts", "--json"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    // wait until the sleep runs, then interrupt the CLI as a terminal would
    for (let i = 0; i < 400 && !pidWritten(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    proc.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => proc.once("close", resolve));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(code).toBe(2);
    expect(errorOf(stdout)).toMatchObject({ kind: "cancelled", message: "the check was cancelled" });
    expect(await diesSoon(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  }, 40_000);

  it("a child in its own session (setsid) dies with the check at --timeout", async () => {
    const pidFile = join(dir, "detached.pid");
    const r = await check("detached.ts", [
      'import "gradlens";',
      'import { spawn } from "node:child_process";',
      'import { writeFileSync } from "node:fs";',
      'const c = spawn("setsid", ["sleep", "45"], { stdio: "ignore" });',
      `writeFileSync(${JSON.stringify(pidFile)}, String(c.pid));`,
      "for (;;) {}",
    ], ["--timeout", "5"]);
    expect(r.code).toBe(2);
    expect(errorOf(r.stdout)?.kind).toBe("timeout");
    expect(await diesSoon(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  }, 40_000);

  it("one 800 MB tensor at --memory 256: exit 2, a memory error at its line", async () => {
    const r = await check("big.ts", ['import { randn } from "gradlens";', "randn(2);", "const big = randn(200_000_000);", "console.log(big.shape);"], ["--memory", "256", "--timeout", "40"]);
    expect(r.code).toBe(2);
    expect(errorOf(r.stdout)).toMatchObject({ kind: "memory" });
    expect(errorOf(r.stdout)?.line).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("an endless engine loop at --timeout: exit 2 at the loop's line, with what ran", async () => {
    const r = await check("loop.ts", ['import { randn } from "gradlens";', "const a = randn(2, { requiresGrad: true });", "for (;;) a.mul(2).sum();"], ["--timeout", "8"]);
    expect(r.code).toBe(2);
    expect(errorOf(r.stdout)).toMatchObject({ kind: "timeout", line: 3 });
    expect((JSON.parse(r.stdout) as { parameters: Array<{ name: string }> }).parameters.map((p) => p.name)).toEqual(["a"]);
  }, 40_000);

  it("split(0), the engine's old endless loop: exit 2 with PyTorch's error at its line", async () => {
    const r = await check("split.ts", ['import { randn } from "gradlens";', "randn(4).split(0);"]);
    expect(r.code).toBe(2);
    expect(errorOf(r.stdout)).toMatchObject({ kind: "exception", line: 2 });
    expect(errorOf(r.stdout)?.message).toMatch(/split_size can only be 0 if dimension size is 0, but got dimension size of 4/);
  });

  it("a schema-valid trace that analysis cannot use: exit 3 (GradLens's failure), the cause on stderr, nothing left in the spool", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "gradlens-cli-spool-"));
    try {
      writeFileSync(join(dir, "forge.ts"), forgingFile("forge.ts"));
      const r = await check("forge.ts", readFileSync(join(dir, "forge.ts"), "utf8").trimEnd().split("\n"), [], { ...process.env, TMPDIR: tmp });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^gradlens: internal error: GradLens failed to analyse this run \(a bug in GradLens, not in the file\): TypeError: /);
      expect(errorOf(r.stdout)?.message).toMatch(/^GradLens failed to analyse this run/);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("a file name with non-ASCII, # and %: sites name the file as given", async () => {
    const r = await check("mö del#1%20.ts", ['import { randn } from "gradlens";', "randn(2, 3).matmul(randn(2, 3));"]);
    expect(r.code).toBe(2);
    expect(errorOf(r.stdout)).toMatchObject({ file: "mö del#1%20.ts", line: 2 });
  });

  it("text output strips terminal control sequences from messages and console lines", async () => {
    writeFileSync(join(dir, "ansi.ts"), ['import "gradlens";', 'console.log("\\x1b[2J\\x1b]0;owned\\x07plain");', 'throw new Error("bad\\x1b[31m red");'].join("\n") + "\n");
    const r = await new Promise<Outcome>((resolve) => {
      execFile(process.execPath, [cli, "check", "ansi.ts"], { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr, ms: 0 }));
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/plain/);
    expect(r.stdout).toMatch(/bad red|bad\s+red/);
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });
});

function pidWritten(file: string): boolean {
  try {
    return Number(readFileSync(file, "utf8")) > 0;
  } catch {
    return false;
  }
}
