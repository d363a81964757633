import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFile } from "../../src/runner/run";
import { stopSpare } from "../../src/runner/spare";
import type { Trace } from "../../src/trace/schema";
import { buildDist } from "./buildDist";

// The check's child splits its large GEMMs with a helper thread (src/runner/kernelThread.ts), and the
// trace is the one a single-threaded child writes, to the bit (the losses it prints are equal).
// GRADLENS_THREADS=1 keeps the child on one thread.

let workerPath = "";
let cleanup = () => {};
let dir = "";
const savedThreads = process.env.GRADLENS_THREADS;

beforeAll(async () => {
  const built = await buildDist(["worker"]);
  workerPath = join(built.dir, "worker.js");
  cleanup = built.cleanup;
  dir = mkdtempSync(join(tmpdir(), "gradlens-threads-"));
}, 60_000);

afterAll(() => {
  if (savedThreads === undefined) delete process.env.GRADLENS_THREADS;
  else process.env.GRADLENS_THREADS = savedThreads;
  stopSpare();
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a file in a fresh child started with GRADLENS_THREADS as given (a spare keeps the env it was started with). */
async function check(file: string, threads: "1" | undefined): Promise<Trace> {
  if (threads === undefined) delete process.env.GRADLENS_THREADS;
  else process.env.GRADLENS_THREADS = threads;
  stopSpare();
  return runFile(file, { workerPath, cwd: dir, timeoutMs: 60_000, keepWarm: false });
}

const STATS = `(globalThis[Symbol.for("gradlens.helperThreadStats")] ?? (() => null))()`;

it("a check's child computes large products on two threads, and not with GRADLENS_THREADS=1", async () => {
  // 512³ products until the helper has taken a panel (it boots at the first one)
  writeFileSync(join(dir, "big.ts"), [
    `import { randn } from "gradlens";`,
    `const a = randn(512, 512), b = randn(512, 512);`,
    `const until = Date.now() + 20_000;`,
    `let stats = ${STATS};`,
    `while (stats !== null && stats.panels === 0 && Date.now() < until) {`,
    `  a.matmul(b);`,
    `  await new Promise((r) => setTimeout(r, 1));`,
    `  stats = ${STATS};`,
    `}`,
    `console.log(JSON.stringify(stats));`,
  ].join("\n"));
  const two = await check("big.ts", undefined);
  expect(two.error).toBeNull();
  const stats = JSON.parse(two.console[0]!) as { running: boolean; panels: number };
  expect(stats.running).toBe(true);
  expect(stats.panels).toBeGreaterThan(0);
  const one = await check("big.ts", "1");
  expect(one.error).toBeNull();
  expect(one.console).toEqual(["null"]);
}, 120_000);

it("gives the same trace on two threads as on one", async () => {
  writeFileSync(join(dir, "cnn.ts"), [
    `import { nn, optim, randn, randint, manualSeed } from "gradlens";`,
    `manualSeed(0);`,
    `const stats = () => ${STATS};`,
    `for (const until = Date.now() + 20_000; stats() !== null && !stats().running && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));`,
    `const model = new nn.Sequential(`,
    `  new nn.Conv2d(3, 32, 3, { padding: 1 }), new nn.ReLU(),`,
    `  new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.ReLU(),`,
    `  new nn.Flatten(), new nn.Linear(64 * 16 * 16, 256), new nn.ReLU(), new nn.Linear(256, 10),`,
    `);`,
    `model.at(0).requiresGrad_(false);`,
    `const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });`,
    `for (let step = 0; step < 2; step++) {`,
    `  const x = randn(8, 3, 16, 16), y = randint(0, 10, [8]);`,
    `  opt.zeroGrad();`,
    `  const loss = nn.functional.crossEntropy(model.call(x), y);`,
    `  loss.backward();`,
    `  console.log(loss.item().toPrecision(17));`,
    `  if (step === 1) console.log(JSON.stringify(stats()));`,
    `  opt.step();`,
    `}`,
  ].join("\n"));
  const strip = (t: Trace) => JSON.parse(JSON.stringify(t, (k, v) => (/duration|Ms$|At$/i.test(k) ? undefined : v))) as unknown;
  const two = await check("cnn.ts", undefined);
  const one = await check("cnn.ts", "1");
  expect(two.error).toBeNull();
  // both losses, then the helper's counters; the check stops before the 2nd optimizer step
  expect(two.console.length).toBe(3);
  const stats = JSON.parse(two.console.pop()!) as { running: boolean; panels: number };
  expect(stats.running).toBe(true);
  expect(stats.panels).toBeGreaterThan(0); // the helper computed part of the products
  expect(one.console.pop()).toBe("null");
  expect(strip(two)).toEqual(strip(one));
}, 120_000);
