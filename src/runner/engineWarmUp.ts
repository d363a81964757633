import { runInThisContext } from "node:vm";
import { performance } from "node:perf_hooks";
import * as engine from "../engine/index";
import { setObserver } from "../engine/observer";
import { clearBufferPool } from "../engine/bufferPool";
import { tensorIdCounter, setTensorIdCounter } from "../engine/tensor";
import { TraceRecorder } from "../trace/recorder";
import { SiteCapture } from "../trace/sites";
import { createStopPolicy } from "./stopRule";
import { WARM_UP_ENV } from "./messages";

// A pre-started child waits for its input; meanwhile it rehearses a few training steps of small
// models through the engine and the tracer, so that V8 has compiled and optimized the engine's code
// (interpreter → baseline → optimized) before the user's file runs: measured, a transformer script run
// five times in one process took 560, 273, 271, 188, 179 ms — the first run's extra time was V8's,
// and every check runs in a fresh process. The rehearsal leaves nothing a user could see: the RNG is
// reseeded as at the engine's load, grad mode and anomaly detection are as they were, the buffer pool
// is emptied, the tensor ids (which the trace records) start where they were, no observer is left,
// nothing is printed. It runs in chunks (setImmediate between them) and stops at the first chunk
// boundary after `stop()`: the check's input waits for at most one chunk.

type Engine = typeof engine;

/** The file name the rehearsal's code runs under: its frames are the "user's" for the site capture. */
const WARM_UP_FILENAME = "gradlens-warm-up.js";

/**
 * The rehearsal: the ops real scripts use, with shapes that take the same kernel paths as real
 * models (wasm GEMM, the two-thread split past 20 MFLOP, wasm GELU and optimizer updates, pooled
 * buffers), each op a few times and small, so a chunk is short. A generator: each `yield` ends a chunk. It uses
 * nothing but its parameter: its text is run again under WARM_UP_FILENAME (see compile()).
 */
export function* rehearsal(gl: Engine): Generator<void, void, void> {
  const { nn, optim, F } = gl;
  gl.manualSeed(1);
  // A check runs a model's construction, two forward/backward passes and one step: two steps each.
  const STEPS = 2;

  // a text classifier: Embedding → 2-layer TransformerEncoder (GELU, dropout) → mean → Linear, AdamW
  const vocab = 100, dModel = 64, seq = 16, batch = 4, classes = 4;
  const embedding = new nn.Embedding(vocab, dModel);
  const encoder = new nn.TransformerEncoder(
    new nn.TransformerEncoderLayer(dModel, 4, { dimFeedforward: 256, dropout: 0.1, activation: "gelu", batchFirst: true }),
    2,
  );
  yield;
  const head = new nn.Linear(dModel, classes);
  const text = new nn.ModuleList([embedding, encoder, head]);
  const criterion = new nn.CrossEntropyLoss();
  const adamW = new optim.AdamW(text.parameters(), { lr: 1e-3 });
  text.train();
  for (let step = 0; step < STEPS; step++) {
    const tokens = gl.randint(0, vocab, [batch, seq]), labels = gl.randint(0, classes, [batch]);
    adamW.zeroGrad();
    let hidden = embedding.call(tokens);
    if (step === 0) {
      // layer by layer the first time: each is a chunk while the code is cold
      for (const layer of encoder.layers) {
        yield;
        hidden = layer.call(hidden);
      }
    } else {
      hidden = encoder.call(hidden);
    }
    yield;
    const loss = criterion.call(head.call(hidden.mean(1)), labels);
    loss.backward();
    yield;
    adamW.step();
  }
  // a product past the kernels' two-thread split (20 MFLOP; 256³ is 34)
  gl.randn(256, 256).matmul(gl.randn(256, 256));
  yield;
  // the attention module on its own, with its weights (needWeights) and a causal mask, sequence-first
  const attention = new nn.MultiheadAttention(dModel, 4);
  const adam = new optim.Adam(attention.parameters(), { lr: 1e-3 });
  const x = gl.randn(seq, batch, dModel);
  const [out, weights] = attention.call(x, x, x, { attnMask: gl.triu(gl.full([seq, seq], Number.NEGATIVE_INFINITY), 1) });
  out.square().mean().add(weights!.sum().mul(0)).backward();
  adam.step();
  yield;

  // an image classifier: Conv2d, BatchNorm2d, ReLU, pooling, Linear; SGD with momentum
  const cnn = new nn.Sequential(
    new nn.Conv2d(3, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(32, 10),
  );
  const sgd = new optim.SGD(cnn.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
  cnn.train();
  for (let step = 0; step < STEPS; step++) {
    const images = gl.randn(8, 3, 16, 16), labels = gl.randint(0, 10, [8]);
    sgd.zeroGrad();
    const loss = F.crossEntropy(cnn.call(images), labels);
    yield;
    loss.backward();
    sgd.step();
    yield;
  }
  cnn.eval();
  gl.noGrad(() => F.softmax(cnn.call(gl.randn(2, 3, 16, 16)), 1).argmax(1));

  // a regression MLP: Linear, ReLU, Dropout, LayerNorm, MSE; Adam
  const mlp = new nn.Sequential(
    new nn.Linear(64, 128), new nn.ReLU(), new nn.Dropout(0.2), new nn.LayerNorm(128), new nn.Linear(128, 1),
  );
  const mlpAdam = new optim.Adam(mlp.parameters(), { lr: 1e-3 });
  for (let step = 0; step < STEPS; step++) {
    mlpAdam.zeroGrad();
    F.mseLoss(mlp.call(gl.randn(32, 64)), gl.randn(32, 1)).backward();
    mlpAdam.step();
  }
  yield;
}

/** The rehearsal's text compiled under its own file name (its frames are then the sites the tracer takes). */
function compile(): typeof rehearsal {
  return runInThisContext(`(${rehearsal.toString()})`, { filename: WARM_UP_FILENAME }) as typeof rehearsal;
}

export interface WarmUpResult {
  /** the rehearsal ran to its end (false: stopped early, or it threw — `error`) */
  completed: boolean;
  error: unknown;
  chunks: number;
  /** wall time from start to the end of the last chunk */
  ms: number;
}

export interface EngineWarmUp {
  /** stops at once (between chunks) and restores the engine's state; idempotent */
  stop(): void;
  readonly finished: Promise<WarmUpResult>;
}

export function warmUpEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[WARM_UP_ENV] !== "0";
}

/** Starts the rehearsal in chunks; `finished` resolves once it has ended or been stopped, with the engine's state restored. */
export function startEngineWarmUp(): EngineWarmUp {
  const started = performance.now();
  const gradEnabled = engine.isGradEnabled();
  const anomaly = engine.autograd.isAnomalyEnabled();
  const nextTensorId = tensorIdCounter();
  const recorder = new TraceRecorder({
    file: WARM_UP_FILENAME,
    sites: new SiteCapture(WARM_UP_FILENAME, { map: (line, column) => ({ file: WARM_UP_FILENAME, line, column }) }),
    // the run's own stop rule with a budget the rehearsal never reaches: its polls run as in a check
    stop: createStopPolicy({ steps: 1000, deadline: Number.MAX_SAFE_INTEGER, timeoutMs: 2 ** 31 - 1, memoryLimitBytes: Number.MAX_SAFE_INTEGER, memoryMb: 1e9 }),
  });
  let steps: Generator<void, void, void> | null = null;
  let chunks = 0;
  let ended = false;
  let resolve: (r: WarmUpResult) => void = () => {};
  const finished = new Promise<WarmUpResult>((r) => (resolve = r));

  const end = (completed: boolean, error: unknown = null): void => {
    if (ended) return;
    ended = true;
    steps = null;
    setObserver(null);
    engine.setGradEnabled(gradEnabled);
    engine.autograd.setDetectAnomaly(anomaly);
    engine.manualSeed(Date.now() & 0xffffffff); // as random.ts seeds at load
    clearBufferPool();
    setTensorIdCounter(nextTensorId);
    resolve({ completed, error, chunks, ms: performance.now() - started });
  };

  const chunk = (): void => {
    if (ended) return;
    chunks++;
    // a rehearsal of training: grad mode on, anomaly detection off (end() restores both)
    engine.setGradEnabled(true);
    engine.autograd.setDetectAnomaly(false);
    setObserver(recorder);
    try {
      steps ??= compile()(engine);
      if (steps.next().done === true) {
        // the trace's finalization and serialization, as at a check's end
        JSON.stringify(recorder.finish({ stopped: { reason: "end-of-file", message: "warm-up" }, error: null, console: [], durationMs: 0 }));
        return end(true);
      }
    } catch (e) {
      return end(false, e);
    } finally {
      setObserver(null);
    }
    setImmediate(chunk);
  };
  setImmediate(chunk);
  return { stop: () => end(false), finished };
}
