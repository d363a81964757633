import { Tensor } from "../tensor";
import { aliasOf } from "../functional/raw";
import { AccumulateGrad, type Node } from "./node";
import { runBackward } from "./backward";
import { getObserver, setObserver, type EngineObserver } from "../observer";
import { NO_GRAD_FN } from "../errors";
import { add, mul } from "../ops/binary";
import { sum } from "../ops/reduce";
import { checkOptions } from "../options";

// torch.autograd.grad and torch.autograd.backward(inputs=...). grad() runs the engine's backward
// sweep and reads the gradients arriving at `inputs` instead of leaving them in `.grad`: every leaf
// of the graph has its `.grad` put aside for the sweep and put back after, and the observer hears
// an "autograd-grad" event in place of a backward that accumulates (a check sees a grad() call as a
// backward that writes no `.grad`).

export interface GradOptions {
  gradOutputs?: Tensor | Array<Tensor | null> | null;
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
  /** PyTorch 2.x: unused inputs get zeros instead of null */
  materializeGrads?: boolean;
}

const GRAD_SPEC = { gradOutputs: "any", retainGraph: "bool?", createGraph: "bool", allowUnused: "bool?", materializeGrads: "bool" };

function asList<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}

function leavesBelow(roots: Tensor[]): AccumulateGrad[] {
  const seen = new Set<Node>();
  const out: AccumulateGrad[] = [];
  const stack = roots.map((r) => r.gradFn).filter((n): n is Node => n !== null);
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (n instanceof AccumulateGrad) out.push(n);
    for (const [next] of n.nextFunctions) if (next !== null) stack.push(next);
  }
  return out;
}

/** One root whose backward seeds every output with its gradOutput (Σ ⟨output, gradOutput⟩). */
function combinedRoot(outputs: Tensor[], gradOutputs: Array<Tensor | null>): { root: Tensor; seed: Tensor | null } {
  if (outputs.length === 1) return { root: outputs[0], seed: gradOutputs[0] ?? null };
  let root: Tensor | null = null;
  outputs.forEach((o, i) => {
    const g = gradOutputs[i];
    if (g === null && o.numel() !== 1) throw new Error("grad can be implicitly created only for scalar outputs");
    const term = sum(g === null ? o : mul(o, g));
    root = root === null ? term : add(root, term);
  });
  return { root: root!, seed: null };
}

/** The observer during grad(): everything but accumulation and the backward brackets passes through. */
function quietObserver(outer: EngineObserver): EngineObserver {
  const { onAccumulateGrad: _a, onBackwardStart: _s, onBackwardEnd: _e, ...rest } = outer;
  return rest;
}

/** torch.autograd.grad(outputs, inputs, { gradOutputs, retainGraph, createGraph, allowUnused }). */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], options: GradOptions = {}): Array<Tensor | null> {
  checkOptions("grad", options, GRAD_SPEC);
  const outs = asList(outputs), ins = asList(inputs);
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const allowUnused = options.allowUnused ?? options.materializeGrads ?? false;
  const gos = options.gradOutputs === undefined || options.gradOutputs === null ? outs.map(() => null) : asList(options.gradOutputs);
  if (gos.length !== outs.length) throw new Error(`grad requires one grad_output per output: got ${gos.length} grad_outputs and ${outs.length} outputs`);
  for (const o of outs) if (!o.requiresGrad) throw new Error(NO_GRAD_FN);
  for (const x of ins) if (!x.requiresGrad) throw new Error("One of the differentiated Tensors does not require grad");

  const leaves = leavesBelow(outs);
  const kept = leaves.map((n) => n.variable.grad);
  for (const n of leaves) n.variable._setGradQuietly(null);
  // a non-leaf input's gradient is what arrives at its gradFn
  const captured = new Map<Tensor, Tensor>();
  const removers: Array<() => void> = [];
  for (const x of ins) {
    if (x.isLeaf) continue;
    const hook = (g: Tensor) => {
      const prev = captured.get(x);
      captured.set(x, prev === undefined ? g : add(prev, g));
    };
    x.gradFn!.retainGradHooks.push(hook);
    removers.push(() => x.gradFn!.retainGradHooks.splice(x.gradFn!.retainGradHooks.indexOf(hook), 1));
  }
  const outer = getObserver();
  if (outer !== null) outer.onEvent?.({ kind: "autograd-grad", phase: "start", outputs: outs, inputs: ins });
  const prev = outer === null ? null : setObserver(quietObserver(outer));
  const results: Array<Tensor | null> = [];
  try {
    const { root, seed } = combinedRoot(outs, gos);
    runBackward(root, seed, { retainGraph, createGraph });
    for (const x of ins) results.push(x.isLeaf ? x.grad : captured.get(x) ?? null);
  } finally {
    for (const r of removers) r();
    leaves.forEach((n, i) => n.variable._setGradQuietly(kept[i]));
    if (outer !== null) {
      setObserver(prev);
      outer.onEvent?.({ kind: "autograd-grad", phase: "end", outputs: outs, inputs: ins });
    }
  }
  return results.map((g, i) => {
    if (g !== null) return g;
    if (!allowUnused) {
      throw new Error("One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
    }
    return options.materializeGrads ? aliasOf(ins[i]).mul(0) : null;
  });
}

export interface AutogradBackwardOptions {
  gradTensors?: Tensor | Array<Tensor | null> | null;
  retainGraph?: boolean;
  createGraph?: boolean;
  /** accumulate only into these tensors' `.grad` */
  inputs?: Tensor | Tensor[];
}

/** torch.autograd.backward(tensors, { gradTensors, retainGraph, createGraph, inputs }). */
export function backward(tensors: Tensor | Tensor[], options: AutogradBackwardOptions = {}): void {
  checkOptions("backward", options, { gradTensors: "any", retainGraph: "bool?", createGraph: "bool", inputs: "any" });
  const outs = asList(tensors);
  const gos = options.gradTensors === undefined || options.gradTensors === null ? outs.map(() => null) : asList(options.gradTensors);
  if (options.inputs === undefined) {
    const { root, seed } = combinedRoot(outs, gos);
    runBackward(root, seed, { retainGraph: options.retainGraph, createGraph: options.createGraph });
    return;
  }
  const ins = asList(options.inputs);
  if (ins.length === 0) throw new Error("'inputs' argument to backward() cannot be empty.");
  const grads = grad(outs, ins, { gradOutputs: gos, retainGraph: options.retainGraph, createGraph: options.createGraph, allowUnused: true });
  ins.forEach((x, i) => {
    const g = grads[i];
    if (g === null) return;
    const value = options.createGraph ? g : aliasOf(g);
    x._setGradQuietly(x.grad === null ? (options.createGraph ? value : value.clone()) : add(x.grad, value));
    getObserver()?.onAccumulateGrad?.(x, value);
  });
}
