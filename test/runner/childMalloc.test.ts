import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFile } from "../../src/runner/run";
import { childGlibcTunables } from "../../src/runner/mallocTunables";
import { stopSpare } from "../../src/runner/spare";
import { buildDist } from "./buildDist";

// The check's child runs with glibc malloc tunables (huge pages, freed memory kept for reuse;
// src/runner/mallocTunables.ts), keeping whatever tunables the user set, and with a small young
// generation (src/runner/v8Flags.ts CHILD_HEAP_FLAGS) so dead tensors' memory is freed sooner, and
// without V8's concurrent markers.

let workerPath = "";
let cleanup = () => {};
let dir = "";

beforeAll(async () => {
  const built = await buildDist(["worker"]);
  workerPath = join(built.dir, "worker.js");
  cleanup = built.cleanup;
  dir = mkdtempSync(join(tmpdir(), "gradlens-malloc-"));
}, 60_000);

afterAll(() => {
  stopSpare();
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

it("the child runs with the malloc tunables in GLIBC_TUNABLES", async () => {
  writeFileSync(join(dir, "env.ts"), `import "gradlens";\nconsole.log(String(process.env.GLIBC_TUNABLES));\n`);
  const trace = await runFile("env.ts", { workerPath, cwd: dir, timeoutMs: 30_000 });
  expect(trace.error).toBeNull();
  expect(trace.console).toEqual([childGlibcTunables(process.env.GLIBC_TUNABLES)]);
  expect(trace.console[0]).toContain("glibc.malloc.hugetlb=");
}, 40_000);

it("the child's young generation stays small while objects survive (1 MiB semi-spaces)", async () => {
  // surviving scavenges grows a default new space to 32 MiB (Node 20) or 64 MiB (Node 24)
  const code = `import "gradlens";\nimport { getHeapSpaceStatistics } from "node:v8";\nconst keep: object[] = [];\nfor (let i = 0; i < 300_000; i++) keep.push({ i, s: [i] });\nconsole.log(String(getHeapSpaceStatistics().find((s) => s.space_name === "new_space")!.space_size), keep.length);\n`;
  writeFileSync(join(dir, "heap.ts"), code);
  const trace = await runFile("heap.ts", { workerPath, cwd: dir, timeoutMs: 30_000 });
  expect(trace.error).toBeNull();
  const [size, kept] = trace.console[0]!.split(" ").map(Number);
  expect(kept).toBe(300_000);
  expect(size).toBeLessThanOrEqual(2 * 2 ** 20);
}, 40_000);

it("the child collects its old generation without concurrent markers", async () => {
  // Node refuses to start with a flag its V8 does not know: the file's output shows the child ran with it
  writeFileSync(join(dir, "flags.ts"), `import "gradlens";\nconsole.log(process.execArgv.join(" "));\n`);
  const trace = await runFile("flags.ts", { workerPath, cwd: dir, timeoutMs: 30_000 });
  expect(trace.error).toBeNull();
  expect(trace.console[0]!.split(" ")).toEqual(expect.arrayContaining(["--max-semi-space-size=1", "--no-concurrent-marking"]));
}, 40_000);

const OURS = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=536870912:glibc.malloc.top_pad=67108864";

it("adds its tunables to the user's, and leaves a key the user set alone", () => {
  expect(childGlibcTunables(undefined)).toBe(OURS);
  expect(childGlibcTunables("")).toBe(OURS);
  expect(childGlibcTunables("glibc.malloc.arena_max=2")).toBe(`glibc.malloc.arena_max=2:${OURS}`);
  expect(childGlibcTunables("glibc.malloc.hugetlb=0")).toBe(
    "glibc.malloc.hugetlb=0:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=536870912:glibc.malloc.top_pad=67108864",
  );
  expect(childGlibcTunables("glibc.malloc.trim_threshold=0:glibc.malloc.hugetlb=2")).toBe(
    "glibc.malloc.trim_threshold=0:glibc.malloc.hugetlb=2:glibc.malloc.mmap_threshold=33554432:glibc.malloc.top_pad=67108864",
  );
});
