import type { Tensor } from "../tensor";
import { Node, type BackwardFn } from "./node";
import { isGradEnabled } from "../gradMode";
import { observer } from "../observer";
import { isFloating } from "../dtype";
import { checkedDefinition } from "../ops/registry";

export interface RecordOptions {
  /** tensors the backward reads (inputs, or other values computed in the forward) */
  saved?: readonly Tensor[];
  /** outputs the backward reads (e.g. exp, tanh, relu read their result) */
  savedOutputs?: readonly Tensor[];
}

// Every differentiable op ends here: a node is recorded only while grad mode is on and some input
// requires grad (tfjs's "record only while something needs it"), then the observer hears of it.
// The op must be registered (ops/registry.ts): that is what makes the registry the set of ops.
export function record(
  op: string,
  gradFnName: string,
  inputs: readonly Tensor[],
  output: Tensor,
  backward: BackwardFn,
  options?: RecordOptions,
): Tensor {
  const def = checkedDefinition(op, gradFnName);
  let node: Node | null = null;
  if (isGradEnabled() && isFloating(output.dtype) && anyRequiresGrad(inputs)) {
    node = new Node(gradFnName, inputs, backward, options?.saved ?? [], options?.savedOutputs ?? []);
    if (def.onceDifferentiable === true) node.onceDifferentiable = true;
    output._setGradFn(node);
  }
  if (observer !== null) observer.onOp?.(op, node, inputs, [output]);
  return output;
}

/** For ops with no gradient (comparisons, argmax): the observer still sees them. */
export function recordNonDifferentiable(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
  if (observer !== null) observer.onOp?.(op, null, inputs, outputs);
}

function anyRequiresGrad(inputs: readonly Tensor[]): boolean {
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}
