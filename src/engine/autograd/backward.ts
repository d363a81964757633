import { Tensor } from "../tensor";
import { peekStorageId, type Storage } from "../storage";
import { AccumulateGrad, Node } from "./node";
import { IMPLICIT_SCALAR, NO_GRAD_FN, ONCE_DIFFERENTIABLE } from "../errors";
import { isGradEnabled, setGradEnabledQuietly } from "../gradMode";
import { observer } from "../observer";
import { formatShape, shapesEqual } from "../shape";
import { add } from "../ops/binary";
import { makeTensor } from "../ops/kernel";
import { allocate } from "../dtype";
import { recycleStorage } from "../bufferPool";

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

// Reverse sweep over the graph below `root` (micrograd's topological sweep, with PyTorch's rules):
// gradients for a node are summed before it runs, leaves accumulate into `.grad`, and saved tensors
// are freed afterwards unless retainGraph.
export function runBackward(root: Tensor, gradient: Tensor | null, options: BackwardOptions = {}): void {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  if (!root.requiresGrad) throw new Error(NO_GRAD_FN);
  const firstFresh = peekStorageId();
  let seed: Tensor;
  if (gradient === null) {
    if (root.numel() !== 1) throw new Error(IMPLICIT_SCALAR);
    seed = makeTensor(allocate(root.dtype, 1).fill(1), root.shape, root.dtype);
  } else {
    if (!shapesEqual(gradient.shape, root.shape)) {
      throw new Error(
        `Mismatch in shape: grad_output[0] has a shape of torch.Size(${formatShape(gradient.shape)}) and output[0] has a shape of torch.Size(${formatShape(root.shape)}).`,
      );
    }
    seed = gradient;
  }
  const rootNode = root.gradFn ?? root.gradAccumulator();
  if (observer !== null) observer.onBackwardStart?.(root, { retainGraph, createGraph });
  const prevMode = isGradEnabled();
  setGradEnabledQuietly(createGraph);
  let error: unknown = null;
  try {
    sweep(rootNode, seed, retainGraph, createGraph, firstFresh);
  } catch (e) {
    error = e;
    throw e;
  } finally {
    setGradEnabledQuietly(prevMode);
    if (observer !== null) observer.onBackwardEnd?.(root, error);
  }
}

/**
 * Which gradient buffers a leaf may keep as its `.grad` without a copy (PyTorch steals a gradient
 * nobody else references). Here: memory made during this backward (never the user's seed or a saved
 * tensor), held by exactly one pending gradient (views passed on by view backwards such as
 * TBackward0 count once they replace the gradient they came from), never shown to a hook (a hook
 * may keep what it is given). The same counts tell when a gradient's memory can be reused.
 */
class Ownership {
  /** storage → how many pending gradients (buffered for a node not yet run) use it */
  private readonly holders = new Map<Storage, number>();
  /** recycles: false under createGraph, where gradients are graph values that later nodes may save */
  constructor(
    private readonly firstFresh: number,
    private readonly recycles: boolean,
  ) {}
  handOut(t: Tensor): void {
    this.holders.set(t.storage, (this.holders.get(t.storage) ?? 0) + 1);
  }
  /** a pending gradient was consumed (its node ran, or it was summed into another) */
  release(t: Tensor): void {
    const n = this.holders.get(t.storage);
    if (n !== undefined) this.holders.set(t.storage, n - 1);
  }
  /**
   * The node `t` was pending for has run: release it, and if that was the last hold on its memory,
   * the memory serves the next op output of its size (bufferPool.ts).
   */
  consume(t: Tensor): void {
    this.release(t);
    if (this.recycles && this.free(t)) recycleStorage(t.storage);
  }
  expose(t: Tensor): void {
    this.holders.set(t.storage, Infinity);
  }
  /** True when no pending gradient, leaf or user code holds t's memory any more (it may be reused). */
  free(t: Tensor): boolean {
    return t.storage.id >= this.firstFresh && this.holders.get(t.storage) === 0;
  }
  /** True when a gradient summed into pending `t` may be added into t's memory (same value as a new sum). */
  accumulatesInPlace(t: Tensor): boolean {
    return this.recycles && this.owned(t);
  }
  /** True when `t` may become a leaf's `.grad` as it is. */
  owned(t: Tensor): boolean {
    return (
      t.storage.id >= this.firstFresh &&
      this.holders.get(t.storage) === 1 &&
      t.offset === 0 &&
      t.storage.data.length === t.numel() &&
      t.isContiguous()
    );
  }
}

function sweep(rootNode: Node, seed: Tensor, retainGraph: boolean, createGraph: boolean, firstFresh: number): void {
  const dependencies = countDependencies(rootNode);
  const buffers = new Map<Node, Tensor>([[rootNode, seed]]);
  const ownership = new Ownership(firstFresh, !createGraph);
  ownership.handOut(seed);
  const ready: Node[] = [rootNode];
  while (ready.length > 0) {
    const node = popLatest(ready);
    let grad = buffers.get(node);
    buffers.delete(node);
    if (grad === undefined) {
      // Every path into this node carried no gradient: nothing to run, but its inputs still wait on it.
      for (const [next] of node.nextFunctions) if (next !== null) markInputDone(next, dependencies, ready);
      continue;
    }
    for (const hook of node.preHooks) {
      ownership.expose(grad);
      const replaced = hook(grad);
      if (replaced) grad = replaced;
      ownership.expose(grad);
    }
    for (const retain of node.retainGradHooks) {
      ownership.expose(grad); // autograd.grad keeps what its hook is given
      retain(grad);
    }
    if (node instanceof AccumulateGrad) {
      accumulate(node.variable, grad, createGraph, ownership);
      ownership.consume(grad);
      continue;
    }
    // user code (a custom Function's backward) may keep the gradient it is given or returns
    if (node.exposesGrad) ownership.expose(grad);
    const inputGrads = validateOutputs(node, createGraph && node.onceDifferentiable ? applyOnce(node, grad) : node.apply(grad));
    if (node.exposesGrad) for (const g of inputGrads) if (g !== null && g !== undefined) ownership.expose(g);
    node.nextFunctions.forEach(([next], i) => {
      if (next === null) return;
      const g = inputGrads[i];
      if (g !== null && g !== undefined) {
        const prev = buffers.get(next);
        if (prev === undefined) {
          ownership.handOut(g);
          buffers.set(next, g);
        } else if (ownership.accumulatesInPlace(prev)) {
          // as PyTorch's InputBuffer: memory only this slot holds takes the sum, instead of a fresh buffer
          prev._addInPlaceRaw(g);
        } else {
          const sum = add(prev, g);
          ownership.release(prev);
          ownership.handOut(sum);
          buffers.set(next, sum);
        }
      }
      markInputDone(next, dependencies, ready);
    });
    ownership.consume(grad);
    if (!retainGraph) node.release();
  }
}

/**
 * PyTorch's validate_outputs, run at every node (tfjs's tape checks likewise): one gradient per input,
 * each of its input's shape (the op is named in the error), cast to its input's dtype.
 */
function validateOutputs(node: Node, grads: Array<Tensor | null>): Array<Tensor | null> {
  const meta = node.inputMeta;
  if (grads.length !== meta.length) {
    throw new Error(`Function ${node.name} returned an incorrect number of gradients (expected ${meta.length}, got ${grads.length})`);
  }
  for (let i = 0; i < grads.length; i++) {
    const g = grads[i];
    if (g === null || g === undefined || node.nextFunctions[i][0] === null) continue;
    if (!shapesEqual(g.shape, meta[i].shape)) {
      throw new Error(
        `Function ${node.name} returned an invalid gradient at index ${i} - got ${formatShape(g.shape)} but expected shape compatible with ${formatShape(meta[i].shape)}`,
      );
    }
    if (g.dtype !== meta[i].dtype) grads[i] = g.to(meta[i].dtype);
  }
  return grads;
}

/**
 * A once-differentiable node under createGraph (PyTorch's @once_differentiable): its backward runs
 * without recording, and each gradient comes out of a DelayedError node, so a second backward through
 * it raises instead of silently treating the first derivative as a constant.
 */
function applyOnce(node: Node, grad: Tensor): Array<Tensor | null> {
  setGradEnabledQuietly(false);
  let grads: Array<Tensor | null>;
  try {
    grads = node.apply(grad);
  } finally {
    setGradEnabledQuietly(true);
  }
  return grads.map((g) => {
    if (g === null || g === undefined) return null;
    const out = new Tensor(g.storage, [...g.shape], [...g.strides], g.offset, g.dtype)._sameCounterAs(g);
    const inputs = grad.requiresGrad ? [grad] : [];
    out._setGradFn(new Node("DelayedError", inputs, () => {
      throw new Error(ONCE_DIFFERENTIABLE);
    }));
    return out;
  });
}

function markInputDone(next: Node, dependencies: Map<Node, number>, ready: Node[]): void {
  const left = dependencies.get(next)! - 1;
  dependencies.set(next, left);
  if (left === 0) ready.push(next);
}

function countDependencies(root: Node): Map<Node, number> {
  const deps = new Map<Node, number>([[root, 0]]);
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const [next] of node.nextFunctions) {
      if (next === null) continue;
      const seen = deps.has(next);
      deps.set(next, (deps.get(next) ?? 0) + 1);
      if (!seen) stack.push(next);
    }
  }
  return deps;
}

/** PyTorch runs the most recently created ready node first; any topological order gives the same values. */
function popLatest(ready: Node[]): Node {
  let best = 0;
  for (let i = 1; i < ready.length; i++) if (ready[i].sequenceNr > ready[best].sequenceNr) best = i;
  const node = ready[best];
  ready[best] = ready[ready.length - 1];
  ready.pop();
  return node;
}

function accumulate(leaf: Tensor, grad: Tensor, createGraph: boolean, ownership: Ownership): void {
  // PyTorch's AccumulateGrad: nothing for a leaf that no longer requires grad (requiresGrad_(false)
  // after use), nor for a leaf view that requires grad only through its base (it has no accumulator)
  if (!leaf._ownRequiresGrad) return;
  for (const hook of leaf._leafHooks) {
    ownership.expose(grad);
    const replaced = hook(grad);
    if (replaced) grad = replaced;
    ownership.expose(grad);
  }
  if (!shapesEqual(grad.shape, leaf.shape)) {
    throw new Error(
      `Function AccumulateGrad returned an invalid gradient - got ${formatShape(grad.shape)} but expected shape compatible with ${formatShape(leaf.shape)}`,
    );
  }
  if (grad.dtype !== leaf.dtype) {
    grad = grad.to(leaf.dtype);
    ownership.handOut(grad);
  }
  const current = leaf._peekGrad();
  if (current === null) {
    // Never alias memory someone else holds: one gradient tensor may flow to several leaves (e.g.
    // both inputs of an add), or be the user's seed or a hook's; a buffer only this leaf got is kept.
    // with createGraph a copy (differentiable) unless the buffer is this leaf's alone: a later
    // accumulation adds into `.grad` in place, which must not write through an expanded view.
    // Without createGraph the new `.grad` is memory only this leaf holds: an observer is lent it for
    // its call below and keeps no hold on it (observer.ts), so zeroGrad may recycle it traced or not.
    if (createGraph) leaf._setGradQuietly(ownership.owned(grad) ? grad : grad.clone());
    else if (ownership.owned(grad)) leaf._setGradQuietly(new Tensor(grad.storage, [...grad.shape], [...grad.strides], 0, grad.dtype)._sameCounterAs(grad), true);
    else leaf._setGradQuietly(grad.detach().clone(), true);
    if (leaf._peekGrad()!.storage === grad.storage) ownership.expose(grad); // the leaf keeps it
  } else if (createGraph) {
    leaf._setGradQuietly(add(current, grad));
  } else {
    current._addInPlaceRaw(grad);
  }
  if (observer !== null) observer.onAccumulateGrad?.(leaf, grad);
}
