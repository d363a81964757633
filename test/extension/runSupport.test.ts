import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { CheckQueue } from "../../src/extension/core/checkQueue";
import { EXAMPLE_SOURCE, exampleFolderName, exampleTsconfig } from "../../src/extension/core/exampleModel";
import { formatRunLog } from "../../src/extension/core/runLog";
import { scanSource } from "../../src/static";
import { buggyGanReport } from "../fixtures/extension/ganReports";

describe("CheckQueue", () => {
  const never = (signal: AbortSignal) =>
    new Promise<string>((_, reject) => signal.addEventListener("abort", () => reject(new Error("terminated"))));

  it("a second check of the same file supersedes the first (its signal aborts)", async () => {
    const q = new CheckQueue<string>();
    let firstSignal: AbortSignal | undefined;
    const first = q.run("a.ts", (s) => ((firstSignal = s), never(s)));
    const second = q.run("a.ts", async () => "report");
    expect(firstSignal!.aborted).toBe(true);
    expect(await first).toEqual({ status: "superseded" });
    expect(await second).toEqual({ status: "done", value: "report" });
    expect(q.isRunning("a.ts")).toBe(false);
  });

  it("other files are untouched; cancel marks cancelled; failures are reported", async () => {
    const q = new CheckQueue<string>();
    const a = q.run("a.ts", never);
    const b = q.run("b.ts", async () => "b");
    expect(await b).toEqual({ status: "done", value: "b" });
    expect(q.isRunning("a.ts")).toBe(true);
    q.cancel("a.ts");
    expect(await a).toEqual({ status: "cancelled" });
    const boom = new Error("worker crashed");
    expect(await q.run("c.ts", async () => Promise.reject(boom))).toEqual({ status: "failed", error: boom });
  });
});

describe("example model", () => {
  it("runs as written against the engine and logs its losses", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlens-example-"));
    const file = join(dir, "gan.ts");
    writeFileSync(file, EXAMPLE_SOURCE);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await import(/* @vite-ignore */ pathToFileURL(file).href);
      const lines = log.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(4);
      for (const line of lines) expect(line).toMatch(/^step \d+: lossD \d+\.\d{3}, lossG \d+\.\d{3}$/);
    } finally {
      log.mockRestore();
    }
  });

  it("has the sites the lenses show: one detach in training code, two optimizers, two backwards", () => {
    const scan = scanSource(EXAMPLE_SOURCE, "/ws/gradlens-example/gan.ts");
    const kinds = scan.sites.map((s) => s.kind);
    expect(kinds.filter((k) => k === "detach")).toHaveLength(1);
    expect(kinds.filter((k) => k === "optimizer")).toHaveLength(2);
    expect(kinds.filter((k) => k === "backward")).toHaveLength(2);
    expect(scan.sites.every((s) => s.inTrainingCode || s.kind === "optimizer")).toBe(true);
    expect(scan.syntaxErrors).toEqual([]);
  });

  it("tsconfig maps gradlens to the copied declarations; the folder name avoids existing ones", () => {
    expect(JSON.parse(exampleTsconfig()).compilerOptions.paths).toEqual({ gradlens: ["./types/gradlens/index.d.ts"] });
    expect(exampleFolderName(() => false)).toBe("gradlens-example");
    const taken = new Set(["gradlens-example", "gradlens-example-2"]);
    expect(exampleFolderName((n) => taken.has(n))).toBe("gradlens-example-3");
  });
});

describe("run log", () => {
  it("shows the console output, how the run stopped and the findings", () => {
    const lines = formatRunLog(buggyGanReport(), new Date("2025-01-01T00:00:00Z"));
    expect(lines[0]).toBe("[2025-01-01T00:00:00.000Z] check /ws/gan-buggy.ts — 840 ms");
    expect(lines).toContain("  | step 2");
    expect(lines).toContain("  stopped: end-of-file — The file ran to the end.");
    expect(lines).toContain("  8 parameters, all updated; 2 findings");
    expect(lines.some((l) => l.startsWith("  error GL006 /ws/gan-buggy.ts:39:8 "))).toBe(true);
  });
});
