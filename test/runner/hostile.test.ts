import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EDITOR_LIMIT_NAMES } from "../../src/extension/core/settings";
import { runFile, type RunOptions } from "../../src/runner/run";
import { validateTrace, type Trace } from "../../src/trace/schema";
import { useBuiltWorker } from "./buildDist";

// Hostile and buggy model files through the runner API: each one is a failed run with its cause and
// line — never the host's death (this test process is the host), a hang or a leftover process.

// the runner's per-run directories go to os.tmpdir(): a private one here, so other test files'
// runs cannot blur the "nothing left on disk" count
const worker = useBuiltWorker("hostile", { privateTmpdir: true });

async function run(name: string, lines: string[], options: RunOptions = {}): Promise<Trace> {
  writeFileSync(join(worker.dir, name), lines.join("\n") + "\n");
  const trace = await runFile(name, { workerPath: worker.workerPath, cwd: worker.dir, timeoutMs: 10_000, ...options });
  expect(validateTrace(trace)).toEqual([]);
  return trace;
}

/** running, not a zombie left for an init that does not reap (containers) */
const alive = (pid: number) => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
};

/** Runs a file that starts a process and writes its pid (`writePid`); returns that pid. */
async function spawnedPid(name: string, body: string[], options: RunOptions = {}, errorKind: string | null = null): Promise<number> {
  const pidFile = join(worker.dir, `${name}.pid`);
  const trace = await run(name, [
    'import "gradlens";',
    'import { spawn } from "node:child_process";',
    'import { writeFileSync } from "node:fs";',
    `const writePid = (pid: number | undefined) => writeFileSync(${JSON.stringify(pidFile)}, String(pid));`,
    ...body,
  ], options);
  expect(trace.error?.kind ?? null).toBe(errorKind);
  const pid = Number(readFileSync(pidFile, "utf8"));
  expect(pid).toBeGreaterThan(0);
  return pid;
}

/** true once `pid` is gone (a loaded machine may take a moment to deliver the kill) */
async function diesSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 40 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

describe("a failed run, never the host's death", () => {
  it("SIGKILL of its own process: exception naming the signal, at the last engine call's line", async () => {
    const trace = await run("kill.ts", ['import { randn } from "gradlens";', "const x = randn(2);", "x.relu();", 'process.kill(process.pid, "SIGKILL");']);
    expect(trace.error).toMatchObject({ kind: "exception", message: "the file's process was killed by SIGKILL", file: "kill.ts", line: 3 });
  });

  it("a V8 fatal out-of-memory (an endless array.push): memory error", async () => {
    const trace = await run("oom.ts", ['import "gradlens";', "const a: number[] = [];", "for (;;) a.push(0.5);"], { memoryMb: 256, timeoutMs: 60_000 });
    expect(trace.error?.kind).toBe("memory");
    expect(trace.stopped.reason).toBe("memory");
  }, 90_000);

  it("process.exit(3) is a failed run, at the line that called it", async () => {
    const trace = await run("exit3.ts", ['import { randn } from "gradlens";', "randn(2);", "process.exit(3);"]);
    expect(trace.error).toMatchObject({ kind: "exception", message: "the file called process.exit(3)", file: "exit3.ts", line: 3, column: 9 });
    expect(trace.stopped.reason).toBe("error");
  });

  it("an error printed with console.error, then process.exit(1): the printed error at its own line", async () => {
    const trace = await run("catch.ts", [
      'import { randn } from "gradlens";',
      "async function main() {",
      "  const a = randn(2, 3);",
      "  a.matmul(randn(2, 3));",
      "}",
      "main().catch((e) => {",
      "  console.error(e);",
      "  process.exit(1);",
      "});",
    ]);
    expect(trace.error).toMatchObject({ kind: "exception", file: "catch.ts", line: 4 });
    expect(trace.error?.message).toMatch(/mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/);
    expect(trace.stopped.message).toMatch(/\(printed, then process\.exit\(1\)\)$/);
  });

  it("an error swallowed into console.error is shown with its line", async () => {
    const trace = await run("swallow.ts", [
      'import { randn } from "gradlens";',
      "try {",
      "  randn(2, 3).matmul(randn(2, 3));",
      "} catch (e) {",
      "  console.error(e);",
      "}",
    ]);
    expect(trace.error).toBeNull();
    expect(trace.console.join("\n")).toMatch(/mat1 and mat2 shapes cannot be multiplied[\s\S]*swallow\.ts:3:/);
  });
});

describe("limits that hold", () => {
  // the editor's wording: the limit is named as the user sets it there (checkCommand.ts)
  it("the time limit kills a file blocked in execSync, and the command it ran; its message names the caller's setting", async () => {
    const started = Date.now();
    const trace = await run("block.ts", [
      'import { randn } from "gradlens";',
      'import { execSync } from "node:child_process";',
      "randn(2).relu();",
      'execSync("sleep 30");',
    ], { timeoutMs: 4000, limitNames: EDITOR_LIMIT_NAMES });
    expect(Date.now() - started).toBeLessThan(4000 + 5000); // generous: the machine may be loaded
    expect(trace.error).toMatchObject({ kind: "timeout", message: "the file did not finish within 4 s (setting gradlens.timeoutSeconds)", file: "block.ts", line: 3 });
  });

  it("a timeout longer than a timer holds (1e12 ms, Infinity) is a long limit, not a stop at once", async () => {
    for (const timeoutMs of [1e12, Infinity]) {
      const trace = await run("longtimeout.ts", ['import { randn } from "gradlens";', "await new Promise((r) => setTimeout(r, 300));", "for (let i = 0; i < 200; i++) randn(2).relu();"], { timeoutMs });
      expect(trace.error).toBeNull();
      expect(trace.stopped.reason).toBe("end-of-file");
    }
  });

  it("cancel kills a file blocked in a synchronous sleep at once", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 1000);
    const trace = await run("cancel.ts", ['import "gradlens";', 'import { execSync } from "node:child_process";', 'execSync("sleep 30");'], { signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(1000 + 3000);
    expect(trace.error?.kind).toBe("cancelled");
  });

  it("a blocking read of stdin returns (end of file) instead of hanging", async () => {
    const trace = await run("stdin.ts", ['import "gradlens";', 'import { readFileSync } from "node:fs";', 'let got = "";', 'try { got = readFileSync(0, "utf8"); } catch (e) { got = String(e); }', 'console.log("read", JSON.stringify(got));']);
    expect(trace.error).toBeNull();
    expect(trace.console).toHaveLength(1);
  });

  it("children the file spawned die with the check", async () => {
    const pidFile = join(worker.dir, "child.pid");
    const trace = await run("spawn.ts", [
      'import "gradlens";',
      'import { spawn } from "node:child_process";',
      'import { writeFileSync } from "node:fs";',
      'const c = spawn("sleep", ["45"], { stdio: "ignore" });',
      "c.unref();",
      `writeFileSync(${JSON.stringify(pidFile)}, String(c.pid));`,
    ]);
    expect(trace.error).toBeNull();
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(pid).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  });

  // a process that left the check's process group is killed all the same: at the file's end (the
  // child kills its own tree), at a host's stop (the tree is sampled right before the kill), and
  // after a crash (the samples the watchdog took while the child ran)
  it("a child spawned with detached: true (its own process group) dies when the file ends", async () => {
    const pid = await spawnedPid("detached.ts", ['const c = spawn("sleep", ["45"], { stdio: "ignore", detached: true });', "c.unref();", "writePid(c.pid);"]);
    expect(await diesSoon(pid)).toBe(true);
  });

  it("a child in its own session (setsid) dies when the time limit stops the file", async () => {
    const pid = await spawnedPid("setsid.ts", ['const c = spawn("setsid", ["sleep", "45"], { stdio: "ignore" });', "writePid(c.pid);", "for (;;) {}"], { timeoutMs: 5000 }, "timeout");
    expect(await diesSoon(pid)).toBe(true);
  }, 40_000);

  it("a detached child dies when the file's process crashes after starting it", async () => {
    const pid = await spawnedPid("detachedcrash.ts", [
      'const c = spawn("sleep", ["45"], { stdio: "ignore", detached: true });',
      "writePid(c.pid);",
      "const until = Date.now() + 500;", // long enough for the watchdog to have sampled it
      "while (Date.now() < until) {}",
      'process.kill(process.pid, "SIGKILL");',
    ], {}, "exception");
    expect(await diesSoon(pid)).toBe(true);
  });

  it("typed arrays allocated without engine calls count against the memory limit", async () => {
    const trace = await run("typed.ts", ['import "gradlens";', "const xs: Float64Array[] = [];", "for (;;) xs.push(new Float64Array(1e6).fill(1));"], { memoryMb: 384, timeoutMs: 60_000 });
    expect(trace.error?.kind).toBe("memory");
  }, 90_000);

  it("one tensor larger than the memory limit is a memory error at its line", async () => {
    const trace = await run("big.ts", ['import { randn } from "gradlens";', "const small = randn(2);", "const big = randn(200_000_000);", "console.log(big.shape);"], { memoryMb: 256, timeoutMs: 40_000 });
    expect(trace.error).toMatchObject({ kind: "memory", file: "big.ts" });
    expect(trace.error?.line).toBeGreaterThanOrEqual(2);
  }, 60_000);

  // what holds where the host cannot read /proc: the child's own check at engine calls, and its
  // peak resident size at the end
  it("without the host's watchdog, the child stops itself at 90 % of the limit in an engine loop, with its trace", async () => {
    const trace = await run("grow.ts", ['import { randn } from "gradlens";', "const w = randn(2, { requiresGrad: true });", "const kept: unknown[] = [];", "for (;;) kept.push(randn(1_000_000));"], { memoryMb: 384, timeoutMs: 60_000, memoryWatchdog: false });
    expect(trace.error).toMatchObject({ kind: "memory", file: "grow.ts", line: 4 });
    expect(trace.error?.message).toMatch(/^the file used more than its 384 MB memory limit \(memoryMb\): \d+ MB resident$/); // no names given: the API's option
    expect(trace.leaves[0]?.name).toBe("w"); // the child's own trace, not an empty one
    expect(trace.leaves.length).toBeGreaterThan(10);
  }, 90_000);

  it("without the host's watchdog, a peak past the limit between engine calls still fails the run at its end", async () => {
    const trace = await run("peak.ts", ['import { randn } from "gradlens";', "randn(2);", "const big = new Float64Array(50_000_000).fill(1);", "console.log(big.length);"], { memoryMb: 256, timeoutMs: 60_000, memoryWatchdog: false });
    expect(trace.error).toMatchObject({ kind: "memory", file: "peak.ts", line: 2 });
    expect(trace.console).toEqual(["50000000"]);
  }, 90_000);

  it("cancel stops a file flooding stdout at once (the host reads a bounded tail, not everything)", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const started = Date.now();
    const trace = await run("floodforever.ts", ['import "gradlens";', "for (let i = 0; ; i++) process.stdout.write(`line ${i}\\n`);"], { signal: controller.signal, timeoutMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(1500 + 5000);
    expect(trace.error?.kind).toBe("cancelled");
    expect(trace.console.join("\n").length).toBeLessThan(70_000);
  }, 40_000);

  it("output written past console is streamed with a bounded tail", async () => {
    const trace = await run("flood.ts", ['import "gradlens";', "for (let i = 0; i < 1_000_000; i++) process.stdout.write(`line ${i}\\n`);"], { timeoutMs: 30_000 });
    expect(trace.error).toBeNull();
    expect(trace.console[0]).toMatch(/^… \d+ earlier characters of output not kept$/);
    expect(trace.console.at(-1)).toBe("line 999999");
    expect(trace.console.join("\n").length).toBeLessThan(70_000);
  }, 60_000);
});

describe("the trace survives the stop", () => {
  // a generous budget: on a loaded machine the child's start alone can take seconds
  it("a timeout in an endless engine loop keeps the trace and names the loop's line", async () => {
    const trace = await run("loop.ts", ['import { randn } from "gradlens";', "const a = randn(2, { requiresGrad: true });", "for (;;) a.mul(2).sum();"], { timeoutMs: 8000 });
    expect(trace.error).toMatchObject({ kind: "timeout", file: "loop.ts", line: 3 });
    expect(trace.ops.length).toBeGreaterThan(0);
    expect(trace.leaves.map((l) => l.name)).toEqual(["a"]);
  }, 40_000);

  it("a kill after a second of engine work keeps the last snapshot", async () => {
    const trace = await run("late.ts", [
      'import { randn } from "gradlens";',
      "const a = randn(2, { requiresGrad: true });",
      "const until = Date.now() + 1500;",
      "while (Date.now() < until) a.relu();",
      'process.kill(process.pid, "SIGKILL");',
    ]);
    expect(trace.error).toMatchObject({ kind: "exception", file: "late.ts", line: 4 });
    expect(trace.ops.length).toBeGreaterThan(0);
    expect(trace.leaves.map((l) => l.name)).toEqual(["a"]);
  });
});

describe("the engine validates what used to loop or corrupt", () => {
  it("split(0), once an endless loop that killed the host: PyTorch's error at its line", async () => {
    const trace = await run("split.ts", ['import { randn } from "gradlens";', "randn(4).split(0);"]);
    expect(trace.error).toMatchObject({ kind: "exception", file: "split.ts", line: 2, message: "split_size can only be 0 if dimension size is 0, but got dimension size of 4" });
  });

  it("a .grad of the wrong shape, once NaN in the weights after SGD: PyTorch's error at its line", async () => {
    const trace = await run("grad.ts", ['import { nn, zeros } from "gradlens";', "const lin = new nn.Linear(3, 2);", "lin.weight.grad = zeros(3);"]);
    expect(trace.error).toMatchObject({ kind: "exception", file: "grad.ts", line: 3, message: "assigned grad has data of a different size" });
  });
});

describe("console lines printed before the end survive it", () => {
  // no engine call after the prints: no snapshot holds them, only the streamed lines do
  it("a timeout in a plain loop keeps the lines printed just before it", async () => {
    const trace = await run("printloop.ts", ['import { randn } from "gradlens";', "randn(2).relu();", 'console.log("epoch", 1);', 'console.error("loss nan");', "for (;;) {}"], { timeoutMs: 6000 });
    expect(trace.error).toMatchObject({ kind: "timeout", line: 2 });
    expect(trace.console).toEqual(["epoch 1", "loss nan"]);
  }, 40_000);

  it("a crash keeps them too", async () => {
    const trace = await run("printkill.ts", ['import { randn } from "gradlens";', "randn(2).relu();", 'console.log("about to die");', 'process.kill(process.pid, "SIGKILL");']);
    expect(trace.error?.message).toBe("the file's process was killed by SIGKILL");
    expect(trace.console).toEqual(["about to die"]);
  });

  it("the streamed lines are bounded like the trace's (2,000), with a note", async () => {
    const trace = await run("printmany.ts", ['import "gradlens";', "for (let i = 0; i < 5000; i++) console.log(`l${i}`);", 'process.kill(process.pid, "SIGKILL");']);
    expect(trace.console).toHaveLength(2001);
    expect(trace.console[1999]).toBe("l1999");
    expect(trace.console[2000]).toBe("… more console lines not kept");
  });
});

describe("the host trusts nothing the child sends", () => {
  it("a message naming a trace file outside the run's directory is refused", async () => {
    const trace = await run("forge.ts", ['import "gradlens";', 'import { writeSync } from "node:fs";', 'writeSync(3, JSON.stringify({ type: "done", file: "/etc/hostname" }) + "\\n");', "for (;;) {}"], { timeoutMs: 5000 });
    expect(trace.error).toMatchObject({ kind: "exception", message: "the check's child process sent an invalid trace: it named a file outside its spool directory" });
  });

  it("garbage on the message channel stops the child", async () => {
    const trace = await run("garbage.ts", ['import "gradlens";', 'import { writeSync } from "node:fs";', 'writeSync(3, "not json\\n");', "for (;;) {}"], { timeoutMs: 5000 });
    expect(trace.error?.message).toBe("the check's child process wrote something that is not a message on its channel");
  });

  it("leaves nothing on disk", () => {
    expect(tmpdir()).toBe(worker.spoolRoot);
    expect(readdirSync(worker.spoolRoot)).toEqual([]);
  });
});
