import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDist } from "./buildDist";

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

function check(name: string, lines: string[], args: string[] = []): Promise<{ code: number | null; stdout: string; ms: number }> {
  writeFileSync(join(dir, name), lines.join("\n") + "\n");
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, "check", name, "--json", ...args], { cwd: dir, timeout: 60_000, maxBuffer: 64 * 2 ** 20 }, (error, stdout) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, ms: Date.now() - started });
    });
  });
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
});
