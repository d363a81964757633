import { expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { prestartWorker, runFile } from "../../src/runner/run";
import { spareReady, stopSpare } from "../../src/runner/spare";
import { HEAP_HINT_ENV } from "../../src/runner/heapHint";
import { useBuiltWorker } from "./buildDist";

// A spare started after a check faults in the malloc memory that check grew by, then frees it back
// to malloc (src/runner/heapPrefault.ts): the next check's tensors reuse those pages instead of
// faulting in fresh ones. Counted with the kernel's own minor-fault counter in the child, around
// 160 MiB of 1 MiB buffers written in full (as the engine's tensors are).

const worker = useBuiltWorker("heap-prefault");

const ALLOCATE = [
  'import "gradlens";',
  'import { runInNewContext } from "node:vm";',
  "const before = process.resourceUsage().minorPageFault;",
  "const keep: Float32Array[] = [];",
  "for (let i = 0; i < 160; i++) keep.push(new Float32Array(1 << 18).fill(1));",
  "const faults = process.resourceUsage().minorPageFault - before;",
  // the collection the prefault needs must not leave a `gc` to the user's code, nor to contexts it makes
  `console.log(JSON.stringify({ faults, hint: process.env.${HEAP_HINT_ENV} ?? null, gc: [typeof (globalThis as { gc?: unknown }).gc, runInNewContext("typeof gc")] }));`,
].join("\n");

type Printed = { faults: number; hint: string | null; gc: string[] };

async function checkInSpare(): Promise<Printed> {
  prestartWorker(worker.workerPath);
  expect(await spareReady()).toBe("completed");
  const trace = await runFile("allocate.ts", { workerPath: worker.workerPath, cwd: worker.dir, timeoutMs: 60_000 });
  expect(trace.error).toBeNull();
  return JSON.parse(trace.console[0]!) as Printed;
}

it("a spare started after a check takes fewer page faults on that check's allocations, and leaves no gc", async () => {
  writeFileSync(join(worker.dir, "allocate.ts"), ALLOCATE);
  stopSpare();
  // no check has run in this host yet: no hint, the allocations take fresh pages
  const first = await checkInSpare();
  expect(first.hint).toBeNull();
  // the next spare knows the first check's peak: it grew ~160 MiB, of which ~7/8 is faulted in beforehand
  const second = await checkInSpare();
  expect(second.hint).toMatch(/^\d+:\d+:\d+$/);
  expect(second.faults, `${first.faults} faults without the prefault`).toBeLessThan(first.faults / 2);
  expect(second.gc).toEqual(["undefined", "undefined"]);
  expect(first.gc).toEqual(["undefined", "undefined"]);
  stopSpare();
}, 120_000);
