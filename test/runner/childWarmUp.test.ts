import { expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { prestartWorker, runFile } from "../../src/runner/run";
import { spareReady, stopSpare } from "../../src/runner/spare";
import type { Trace } from "../../src/trace/schema";
import { useBuiltWorker } from "./buildDist";

// A waiting child rehearses the engine before its input comes (src/runner/engineWarmUp.ts). The run
// that follows must not see it: the trace is the one a child without the rehearsal writes — the same
// tensor ids, records, sites, and values (the losses printed after the file's manualSeed).

const worker = useBuiltWorker("child-warm-up");

const MODEL = [
  'import { nn, optim, randn, randint, manualSeed, F } from "gradlens";',
  "manualSeed(0);",
  "const encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(32, 4, { dimFeedforward: 64, activation: \"gelu\", batchFirst: true }), 2);",
  "const cnn = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.Flatten(), new nn.Dropout(0.5), new nn.Linear(8 * 8 * 8, 4));",
  "cnn.at(0).requiresGrad_(false);",
  "const head = new nn.Linear(32, 4);",
  "const opt = new optim.AdamW([...encoder.parameters(), ...head.parameters(), ...cnn.parameters()], { lr: 1e-3 });",
  "for (let step = 0; step < 5; step++) {",
  "  const tokens = randn(4, 8, 32), images = randn(4, 3, 8, 8), labels = randint(0, 4, [4]);",
  "  opt.zeroGrad();",
  "  const loss = F.crossEntropy(head.call(encoder.call(tokens).mean(1)), labels).add(F.crossEntropy(cnn.call(images), labels));",
  "  console.log(loss.item());",
  "  loss.backward();",
  "  opt.step();",
  "}",
].join("\n");

/** The trace without what differs between any two runs: durations. */
function comparable(trace: Trace): unknown {
  return JSON.parse(JSON.stringify(trace, (key, value: unknown) => (key === "durationMs" ? 0 : value)));
}

it("a check in a child that rehearsed the engine gives the same trace as in one without the rehearsal", async () => {
  writeFileSync(join(worker.dir, "model.ts"), MODEL);
  const run = () => runFile("model.ts", { workerPath: worker.workerPath, cwd: worker.dir, timeoutMs: 60_000 });

  stopSpare(); // runFile then starts its own child, which takes its input at once: no rehearsal
  const cold = await run();
  stopSpare();
  prestartWorker(worker.workerPath);
  expect(await spareReady()).toBe("completed");
  const warm = await run();

  expect(cold.error).toBeNull();
  expect(cold.stopped.reason).toBe("step-budget");
  expect(cold.console).toHaveLength(2); // two losses: the check stops before the second step
  expect(comparable(warm)).toEqual(comparable(cold));

  // the input arriving while the rehearsal runs stops it between two chunks: the same trace again
  stopSpare();
  prestartWorker(worker.workerPath);
  await new Promise((r) => setTimeout(r, 600)); // Node and the engine have loaded; the rehearsal takes ~1 s more
  const interrupted = await run();
  expect(comparable(interrupted)).toEqual(comparable(cold));
}, 120_000);

it("GRADLENS_CHILD_WARMUP=0 turns the rehearsal off", async () => {
  process.env.GRADLENS_CHILD_WARMUP = "0";
  try {
    stopSpare();
    prestartWorker(worker.workerPath);
    expect(await spareReady()).toBe("off");
  } finally {
    delete process.env.GRADLENS_CHILD_WARMUP;
    stopSpare();
  }
}, 60_000);
