// Training-step benchmarks (issue "Performance"): one full step — forward, softmax cross-entropy,
// backward, SGD update — of the same models on GradLens, on TensorFlow.js (cpu and wasm
// backends, the wasm files read from node_modules) and on PyTorch + OpenBLAS (torch.bench.ts):
//  - MLP 784-512-512-10, batch 64, float32 (205 MFLOP of matmul work: the first layer's input needs no gradient);
//  - small CNN: Conv2d 3→16, ReLU, Conv2d 16→32, ReLU (3×3, padding 1) on 32×32 images, batch 32,
//    then Flatten and Linear 32·32·32→10.
// GradLens and PyTorch run in interleaved rounds after the same warm-up (paired.ts): their ratio is
// the median of per-pair ratios. tfjs runs on its own: the median step time of rounds after a warm-up
// (the median of rounds, so one slow round from another process on the machine does not decide).
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { F, manualSeed, nn, optim, randint, randn, type Tensor } from "../../src/engine/index";
import { interleave, median, type PairingPlan, type RoundTimes, type Side } from "./paired";
import type { TorchServer } from "./torch.bench";
import { callerFrame } from "../trace/callerFrame";

export type Peer = "tfjs-cpu" | "tfjs-wasm" | "pytorch" | "pytorch-2t";
export interface StepTimes {
  /** GradLens's median wall and CPU time (process-wide) per step: on a shared machine another
   * process's load stretches wall time far more than CPU time */
  gradlens: RoundTimes;
  /** the peers' median wall time per step */
  peers: Partial<Record<Peer, number>>;
  /** GradLens and PyTorch in interleaved rounds: PyTorch's medians, and GradLens ÷ PyTorch as the
   * median of the per-pair ratios */
  paired?: { peer: Peer; pytorch: RoundTimes; ratio: RoundTimes };
  /** how the GradLens and PyTorch rounds were taken, for the table's notes */
  method: string;
  /** why a peer has no time (not loadable, backend unavailable) */
  notes: string[];
}

/** PyTorch's server, or why there is none (a note in the rows). */
export type TorchPeer = TorchServer | { reason: string };

const MLP = { batch: 64, dims: [784, 512, 512, 10] };
const CNN = { batch: 32, size: 32, channels: [3, 16, 32], classes: 10 };

/** Rounds of a few steps; each side warms for ≥ 1 s of its own steps and ≥ 100 (MLP) / 20 (CNN) steps. */
export const MLP_PLAN: PairingPlan = { stepsPerRound: 5, pairs: 21, warmupMs: 1000, warmupSteps: 100, budgetMs: 8000, minPairs: 5 };
export const CNN_PLAN: PairingPlan = { stepsPerRound: 2, pairs: 15, warmupMs: 1000, warmupSteps: 20, budgetMs: 12000, minPairs: 5 };

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Resolves once this process has used under 1 ms of CPU in three 10 ms windows in a row (or after
 * 0.5 s): the rule torch_steps.py's settle() applies to PyTorch, whose OpenBLAS worker spins ~0.1 s
 * after a round on two threads. Neither side's leftovers run into the other's round.
 */
export async function settle(): Promise<void> {
  const end = performance.now() + 500;
  for (let quiet = 0; quiet < 3 && performance.now() < end; ) {
    const c = cpuMs();
    await new Promise((r) => setTimeout(r, 10));
    quiet = cpuMs() - c < 1 ? quiet + 1 : 0;
  }
}

/** A side that runs our step in this process, then settles. */
export function ourRounds(step: () => void): Side {
  return async (n) => {
    const t = performance.now(), c = cpuMs();
    for (let i = 0; i < n; i++) step();
    const r = { wall: (performance.now() - t) / n, cpu: (cpuMs() - c) / n };
    await settle();
    return r;
  };
}

/** Median time (ms) of one call, from `rounds` rounds of `perRound` calls after `warmup` calls. */
export function timeStep(step: () => void, warmup: number, rounds: number, perRound: number, budgetMs = 6000): number {
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < perRound; i++) step();
    times.push((performance.now() - t) / perRound);
    if (performance.now() - start > budgetMs && times.length >= 3) break;
  }
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

/**
 * Our step against PyTorch's on `threads` threads in interleaved rounds, or our rounds alone by the
 * same plan when PyTorch is not there.
 */
export async function pairedStep(step: () => void, torch: TorchPeer, which: "mlp" | "cnn", threads: 1 | 2, plan: PairingPlan): Promise<StepTimes> {
  const server = "round" in torch ? torch : null;
  const theirs: Side | null = server && ((n) => server.round(which, threads, n));
  const r = await interleave(ourRounds(step), theirs, plan);
  const warm = `after a warm-up of ≥ ${plan.warmupMs / 1000} s and ≥ ${plan.warmupSteps} steps`;
  const out: StepTimes = { gradlens: r.ours, peers: {}, method: "", notes: [] };
  if (r.theirs === null || r.ratio === null || r.ratioQuartiles === null) {
    out.method = `GradLens: median of ${r.pairs} rounds of ${plan.stepsPerRound} steps ${warm}`;
    if ("reason" in torch) out.notes.push(torch.reason);
    return out;
  }
  const peer: Peer = threads === 1 ? "pytorch" : "pytorch-2t";
  out.peers[peer] = r.theirs.wall;
  out.paired = { peer, pytorch: r.theirs, ratio: r.ratio };
  out.method =
    `${r.pairs} pairs of rounds of ${plan.stepsPerRound} steps, GradLens and PyTorch alternating, ${warm} on each side ` +
    `(${r.warmupRounds.ours} / ${r.warmupRounds.theirs} rounds); ÷ PyTorch is the median of the per-pair ratios ` +
    `(their middle half: ${r.ratioQuartiles.map((q) => q.toFixed(2)).join("–")})`;
  return out;
}

// ---- GradLens ------------------------------------------------------------------------------------

export function gradlensMlpStep(): () => void {
  manualSeed(0);
  const [d0, d1, d2, d3] = MLP.dims as [number, number, number, number];
  const model = new nn.Sequential(new nn.Linear(d0, d1), new nn.ReLU(), new nn.Linear(d1, d2), new nn.ReLU(), new nn.Linear(d2, d3));
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const x = randn(MLP.batch, d0);
  const y = randint(0, d3, [MLP.batch]);
  return () => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.call(x) as Tensor, y);
    loss.backward();
    opt.step();
  };
}

export function gradlensCnnStep(): () => void {
  manualSeed(0);
  const [c0, c1, c2] = CNN.channels as [number, number, number];
  const model = new nn.Sequential(
    new nn.Conv2d(c0, c1, 3, { padding: 1 }), new nn.ReLU(),
    new nn.Conv2d(c1, c2, 3, { padding: 1 }), new nn.ReLU(),
    new nn.Flatten(), new nn.Linear(c2 * CNN.size * CNN.size, CNN.classes),
  );
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const x = randn(CNN.batch, c0, CNN.size, CNN.size);
  const y = randint(0, CNN.classes, [CNN.batch]);
  return () => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.call(x) as Tensor, y);
    loss.backward();
    opt.step();
  };
}

// ---- TensorFlow.js ---------------------------------------------------------------------------------

type Tf = typeof import("@tensorflow/tfjs");

let tfLoaded: Promise<{ tf: Tf; wasmOk: boolean; error?: string } | { error: string }> | null = null;

/** tfjs with its wasm backend pointed at the .wasm files inside node_modules. */
export function loadTfjs(): Promise<{ tf: Tf; wasmOk: boolean; error?: string } | { error: string }> {
  tfLoaded ??= (async () => {
    try {
      const tf = await import("@tensorflow/tfjs");
      const tfwasm = await import("@tensorflow/tfjs-backend-wasm");
      const req = createRequire(join(process.cwd(), "package.json"));
      const dist = join(dirname(req.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + sep;
      tfwasm.setWasmPaths(dist); // a file path: in Node the .wasm files are read from disk
      return { tf, wasmOk: true };
    } catch (e) {
      return { error: String(e) };
    }
  })();
  return tfLoaded;
}

function lcg(n: number, seed: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 4294967296 - 0.5) * scale;
  }
  return a;
}

function oneHot(tf: Tf, batch: number, classes: number) {
  const labels = new Int32Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = (i * 7) % classes;
  return tf.oneHot(tf.tensor1d(labels, "int32"), classes).toFloat();
}

/** The same MLP step in tfjs: dense layers as matMul + add, softmaxCrossEntropy, SGD via minimize. */
function tfjsMlpStep(tf: Tf): { step: () => void; dispose: () => void } {
  const [d0, d1, d2, d3] = MLP.dims as [number, number, number, number];
  const layers = [[d0, d1], [d1, d2], [d2, d3]].map(([i, o], l) => ({
    w: tf.variable(tf.tensor2d(lcg(i! * o!, 10 + l, 2 / Math.sqrt(i!)), [i!, o!])),
    b: tf.variable(tf.zeros([o!])),
  }));
  const x = tf.tensor2d(lcg(MLP.batch * d0, 1, 2), [MLP.batch, d0]);
  const labels = oneHot(tf, MLP.batch, d3);
  const opt = tf.train.sgd(0.01);
  const vars = layers.flatMap((l) => [l.w, l.b]);
  const step = () => {
    opt.minimize(() => {
      let h: import("@tensorflow/tfjs").Tensor2D = x;
      layers.forEach((l, i) => {
        h = tf.add(tf.matMul(h, l.w), l.b);
        if (i < layers.length - 1) h = tf.relu(h);
      });
      return tf.losses.softmaxCrossEntropy(labels, h) as import("@tensorflow/tfjs").Scalar;
    }, false, vars);
  };
  return { step, dispose: () => tf.dispose([...vars, x, labels]) };
}

function tfjsCnnStep(tf: Tf): { step: () => void; dispose: () => void } {
  const [c0, c1, c2] = CNN.channels as [number, number, number];
  const S = CNN.size;
  const conv = [[c0, c1], [c1, c2]].map(([i, o], l) => ({
    w: tf.variable(tf.tensor4d(lcg(9 * i! * o!, 20 + l, 2 / Math.sqrt(9 * i!)), [3, 3, i!, o!])),
    b: tf.variable(tf.zeros([o!])),
  }));
  const fc = {
    w: tf.variable(tf.tensor2d(lcg(c2 * S * S * CNN.classes, 30, 2 / Math.sqrt(c2 * S * S)), [c2 * S * S, CNN.classes])),
    b: tf.variable(tf.zeros([CNN.classes])),
  };
  const x = tf.tensor4d(lcg(CNN.batch * S * S * c0, 2, 2), [CNN.batch, S, S, c0]); // NHWC, tfjs's layout
  const labels = oneHot(tf, CNN.batch, CNN.classes);
  const opt = tf.train.sgd(0.01);
  const vars = [...conv.flatMap((l) => [l.w, l.b]), fc.w, fc.b];
  const step = () => {
    opt.minimize(() => {
      let h: import("@tensorflow/tfjs").Tensor4D = x;
      for (const l of conv) h = tf.relu(tf.add(tf.conv2d(h, l.w as import("@tensorflow/tfjs").Tensor4D, 1, "same"), l.b)) as import("@tensorflow/tfjs").Tensor4D;
      const flat = tf.reshape(h, [CNN.batch, c2 * S * S]) as import("@tensorflow/tfjs").Tensor2D;
      const logits = tf.add(tf.matMul(flat, fc.w), fc.b);
      return tf.losses.softmaxCrossEntropy(labels, logits) as import("@tensorflow/tfjs").Scalar;
    }, false, vars);
  };
  return { step, dispose: () => tf.dispose([...vars, x, labels]) };
}

async function tfjsTimes(
  make: (tf: Tf) => { step: () => void; dispose: () => void },
  timing: { warmup: number; rounds: number; perRound: number },
  out: StepTimes,
  cpuTiming = timing,
): Promise<void> {
  const loaded = await loadTfjs();
  if (!("tf" in loaded)) {
    out.notes.push(`tfjs not loadable: ${loaded.error}`);
    return;
  }
  const { tf } = loaded;
  for (const backend of ["cpu", "wasm"] as const) {
    let ok = false;
    try {
      ok = await tf.setBackend(backend);
      await tf.ready();
    } catch (e) {
      out.notes.push(`tfjs ${backend}: ${String(e)}`);
    }
    if (!ok) {
      out.notes.push(`tfjs ${backend} backend unavailable`);
      continue;
    }
    const { step, dispose } = make(tf);
    const t = backend === "cpu" ? cpuTiming : timing;
    try {
      out.peers[`tfjs-${backend}`] = timeStep(step, t.warmup, t.rounds, t.perRound);
    } catch (e) {
      // e.g. tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel: it cannot train a CNN
      out.notes.push(`tfjs ${backend}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      dispose();
    }
  }
}

/** The MLP step on one thread against PyTorch on one, then tfjs. */
export async function benchMlpStep(torch: TorchPeer): Promise<StepTimes> {
  const out = await pairedStep(gradlensMlpStep(), torch, "mlp", 1, MLP_PLAN);
  await tfjsTimes(tfjsMlpStep, { warmup: 5, rounds: 9, perRound: 3 }, out, { warmup: 2, rounds: 5, perRound: 2 });
  if ("round" in torch) out.notes.push(`PyTorch ${torch.torch} on ${torch.blas}, torch.set_num_threads(1) / (2)`);
  return out;
}

export async function benchCnnStep(torch: TorchPeer): Promise<StepTimes> {
  const out = await pairedStep(gradlensCnnStep(), torch, "cnn", 1, CNN_PLAN);
  // tfjs cpu takes tens of seconds per CNN step: one step, no warm-up (its JIT time is negligible there)
  await tfjsTimes(tfjsCnnStep, { warmup: 2, rounds: 7, perRound: 1 }, out, { warmup: 0, rounds: 1, perRound: 1 });
  return out;
}

// ---- tracing overhead on the MLP step --------------------------------------------------------------

/**
 * The MLP step untraced and traced as a check traces it (TraceRecorder with site capture from this
 * file's frames). Rounds alternate the two so load from other processes hits both alike; a fresh
 * recorder per round, as a check records a few iterations, not thousands. Medians.
 */
export async function benchTracedMlpStep(): Promise<{ plain: number; traced: number; ratio: number }> {
  const { setObserver } = await import("../../src/engine/observer");
  const { TraceRecorder } = await import("../../src/trace/recorder");
  const { SiteCapture } = await import("../../src/trace/sites");
  const step = gradlensMlpStep();
  const sites = new SiteCapture(callerFrame().file, { map: (line, column) => ({ file: "bench.ts", line, column }) });
  const plain: number[] = [], traced: number[] = [], ratios: number[] = [];
  for (let r = 0; r < 28; r++) {
    const p = timeStep(step, 0, 1, 5);
    setObserver(new TraceRecorder({ file: "bench.ts", sites }));
    let t: number;
    try {
      t = timeStep(step, 0, 1, 5);
    } finally {
      setObserver(null);
    }
    if (r < 3) continue; // warm-up of both paths
    plain.push(p);
    traced.push(t);
    ratios.push(t / p);
  }
  return { plain: median(plain), traced: median(traced), ratio: median(ratios) };
}
