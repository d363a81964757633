import { Tensor, tensor, cat, setGradEnabled, F } from "gradlens";

// Replays a program of the differential corpus (scripts/make_autograd_corpus.py documents the step
// format) on the engine. OPS mirrors the generator's table: a new op joins the fuzz in both.

export type Arg = number | boolean | null | number[] | { v: string };
export type Step =
  | { k: "leaf"; out: string; shape: number[]; dtype: "float32" | "float64"; data: number[]; rg: boolean }
  | { k: "op"; out: string; fn: string; x: string; args: Arg[] }
  | { k: "inplace"; fn: string; x: string; args: Arg[] }
  | { k: "gradMode"; on: boolean }
  | { k: "retainGrad"; x: string }
  | { k: "requiresGrad_"; x: string; flag: boolean }
  | { k: "backward"; x: string; retain: boolean; create: boolean }
  | { k: "gradOf"; out: string; x: string };

type Op = (x: Tensor, ...args: any[]) => Tensor; // eslint-disable-line @typescript-eslint/no-explicit-any

const pickOf = (parts: Tensor[], k: number) => parts[k % parts.length];

export const OPS: Record<string, Op> = {
  exp: (x) => x.exp(),
  tanh: (x) => x.tanh(),
  sigmoid: (x) => x.sigmoid(),
  relu: (x) => x.relu(),
  neg: (x) => x.neg(),
  abs: (x) => x.abs(),
  sin: (x) => x.sin(),
  square: (x) => x.square(),
  sign: (x) => x.sign(),
  gelu: (x) => x.gelu(),
  leakyRelu: (x, s: number) => x.leakyRelu(s),
  clamp: (x, lo: number, hi: number) => x.clamp(lo, hi),
  pow: (x, e: number) => x.pow(e),
  add: (x, y) => x.add(y),
  sub: (x, y) => x.sub(y),
  mul: (x, y) => x.mul(y),
  div: (x, y) => x.div(y),
  maximum: (x, y) => x.maximum(y),
  matmul: (x, y) => x.matmul(y),
  sum: (x, d?: number, k?: boolean) => x.sum(d, k),
  mean: (x, d?: number, k?: boolean) => x.mean(d, k),
  amax: (x, d: number, k: boolean) => x.amax(d, k),
  maxValues: (x, d: number, k: boolean) => x.max(d, k).values,
  std: (x, d: number) => x.std(d),
  var: (x, d: number) => x.var(d),
  softmax: (x, d: number) => F.softmax(x, d),
  logSoftmax: (x, d: number) => F.logSoftmax(x, d),
  view: (x, s: number[]) => x.view(s),
  reshape: (x, s: number[]) => x.reshape(s),
  transpose: (x, a: number, b: number) => x.transpose(a, b),
  t: (x) => x.t(),
  unsqueeze: (x, d: number) => x.unsqueeze(d),
  squeeze: (x, d?: number) => x.squeeze(d),
  select: (x, d: number, i: number) => x.select(d, i),
  narrow: (x, d: number, s: number, n: number) => x.narrow(d, s, n),
  expand: (x, s: number[]) => x.expand(s),
  flatten: (x, s?: number, e?: number) => x.flatten(s, e),
  splitPick: (x, size: number, d: number, k: number) => pickOf(x.split(size, d), k),
  chunkPick: (x, n: number, d: number, k: number) => pickOf(x.chunk(n, d), k),
  unbindPick: (x, d: number, k: number) => pickOf(x.unbind(d), k),
  clone: (x) => x.clone(),
  detach: (x) => x.detach(),
  contiguous: (x) => x.contiguous(),
  double: (x) => x.double(),
  float: (x) => x.float(),
  indexSelect: (x, d: number, i: number[]) => x.indexSelect(d, tensor(i, { dtype: "int64" })),
  sumAll: (x) => x.sum(),
  // only the hand-written corner programs use these
  mm: (x, y) => x.mm(y),
  mv: (x, y) => x.mv(y),
  dot: (x, y) => x.dot(y),
  catWith: (x, y) => cat([x, y]),
  gather: (x, d: number, i: number[][]) => x.gather(d, tensor(i, { dtype: "int64" })),
  sumDims: (x, dims: number[]) => x.sum(dims),
  maskedFill: (x, m: boolean[][], v: number) => x.maskedFill(tensor(m), v),
  expandAs: (x, y) => x.expandAs(y),
  crossEntropyProbs: (x, y, ignoreIndex: number) => F.crossEntropy(x, y, { ignoreIndex }),
};

export const INPLACE: Record<string, Op> = {
  add_: (x, y) => x.add_(y),
  mul_: (x, y) => x.mul_(y),
  relu_: (x) => x.relu_(),
  neg_: (x) => x.neg_(),
  clamp_: (x, lo: number, hi: number) => x.clamp_(lo, hi),
  copy_: (x, y) => x.copy_(y),
  zero_: (x) => x.zero_(),
  detach_: (x) => x.detach_(),
};

export interface RunResult {
  env: Map<string, Tensor>;
  retained: Set<string>;
  /** the step that threw, and its message */
  error: { step: number; message: string } | null;
}

export function runProgram(steps: Step[]): RunResult {
  const env = new Map<string, Tensor>();
  const retained = new Set<string>();
  const get = (name: string) => {
    const t = env.get(name);
    if (t === undefined) throw new Error(`corpus: unknown variable ${name}`);
    return t;
  };
  const resolve = (args: Arg[]) => args.map((a) => (a !== null && typeof a === "object" && !Array.isArray(a) ? get(a.v) : a));
  let error: RunResult["error"] = null;
  try {
    for (const [i, step] of steps.entries()) {
      try {
        runStep(step, env, retained, get, resolve);
      } catch (e) {
        error = { step: i, message: e instanceof Error ? e.message : String(e) };
        break;
      }
    }
  } finally {
    setGradEnabled(true);
  }
  return { env, retained, error };
}

function runStep(
  step: Step, env: Map<string, Tensor>, retained: Set<string>, get: (n: string) => Tensor, resolve: (a: Arg[]) => unknown[],
): void {
  switch (step.k) {
    case "leaf": {
      const t = tensor(step.data, { dtype: step.dtype }).reshape(step.shape).clone();
      env.set(step.out, step.rg ? t.requiresGrad_() : t);
      return;
    }
    case "op": {
      const op = OPS[step.fn];
      if (op === undefined) throw new Error(`corpus: no interpreter entry for op ${step.fn}`);
      env.set(step.out, op(get(step.x), ...resolve(step.args)));
      return;
    }
    case "inplace": {
      const op = INPLACE[step.fn];
      if (op === undefined) throw new Error(`corpus: no interpreter entry for op ${step.fn}`);
      op(get(step.x), ...resolve(step.args));
      return;
    }
    case "gradMode":
      setGradEnabled(step.on);
      return;
    case "retainGrad":
      get(step.x).retainGrad();
      retained.add(step.x);
      return;
    case "requiresGrad_":
      get(step.x).requiresGrad_(step.flag);
      return;
    case "backward":
      get(step.x).sum().backward({ retainGraph: step.retain, createGraph: step.create });
      return;
    case "gradOf": {
      const g = get(step.x).grad;
      if (g === null) throw new Error(`corpus: ${step.x}.grad is null in the engine`);
      env.set(step.out, g);
      return;
    }
  }
}
