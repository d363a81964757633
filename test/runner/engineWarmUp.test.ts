import { afterEach, expect, it, vi } from "vitest";
import * as engine from "../../src/engine/index";
import { getObserver } from "../../src/engine/observer";
import { bufferPoolBytes } from "../../src/engine/bufferPool";
import { tensorIdCounter } from "../../src/engine/tensor";
import { startEngineWarmUp } from "../../src/runner/engineWarmUp";

// The child's engine rehearsal (src/runner/engineWarmUp.ts), in this process: it runs to its end
// through the engine's exports (its ops are typed against them, and a renamed or removed one throws
// here), and leaves nothing behind that the user's run could see.

afterEach(() => {
  vi.restoreAllMocks();
});

it("runs to its end and leaves the engine as it found it: grad mode, anomaly mode, tensor ids, buffer pool, observer, output", async () => {
  engine.setGradEnabled(false);
  engine.autograd.setDetectAnomaly(true);
  const ids = tensorIdCounter();
  const written = vi.spyOn(process.stdout, "write");
  const errors = vi.spyOn(process.stderr, "write");
  const logged = vi.spyOn(console, "log");
  const warned = vi.spyOn(console, "warn");
  const result = await startEngineWarmUp().finished;
  expect(result.error).toBeNull();
  expect(result.completed).toBe(true);
  expect(result.chunks).toBeGreaterThan(10); // split into many small chunks
  expect(engine.isGradEnabled()).toBe(false);
  expect(engine.autograd.isAnomalyEnabled()).toBe(true);
  expect(tensorIdCounter()).toBe(ids);
  expect(bufferPoolBytes()).toBe(0);
  expect(getObserver()).toBeNull();
  for (const spy of [written, errors, logged, warned]) expect(spy).not.toHaveBeenCalled();
  engine.setGradEnabled(true);
  engine.autograd.setDetectAnomaly(false);
}, 60_000);

it("reseeds the random generator afterwards the way the engine seeds it at load (from the clock)", async () => {
  await startEngineWarmUp().finished; // warm: the timed run below is quick
  vi.spyOn(Date, "now").mockReturnValue(1_765_000_123_456);
  const result = await startEngineWarmUp().finished;
  expect(result.completed).toBe(true);
  const after = engine.randn(5).tolist();
  engine.manualSeed(1_765_000_123_456 & 0xffffffff);
  expect(after).toEqual(engine.randn(5).tolist());
}, 60_000);

it("stops at the next chunk boundary when asked, restoring the state there too", async () => {
  const ids = tensorIdCounter();
  const warmUp = startEngineWarmUp();
  await new Promise<void>((r) => setImmediate(r)); // the first chunk runs
  warmUp.stop();
  const result = await warmUp.finished;
  expect(result).toMatchObject({ completed: false, error: null, chunks: 1 });
  expect(tensorIdCounter()).toBe(ids);
  expect(getObserver()).toBeNull();
  expect(engine.isGradEnabled()).toBe(true);
}, 60_000);
