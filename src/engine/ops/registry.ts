// The op contract: every differentiable op (in ops/, functional/ or a new file) registers once, next
// to its forward, with the op name it passes to record() and the grad_fn names its nodes take.
// record() refuses an op/grad_fn pair that is not registered, so this registry is exactly the set of
// differentiable ops, and the gradient-check suites enumerate it (gradcheck for every op; gradgradcheck
// for every op not declared once-differentiable).

export interface OpDefinition {
  /** the name record() receives (and observers see), e.g. "add", "conv2d" */
  readonly name: string;
  /** PyTorch's grad_fn names of this op's nodes, e.g. ["AddBackward0"] */
  readonly gradFns: readonly string[];
  /**
   * The backward is not itself differentiable. Under createGraph its gradients come out of a
   * DelayedError node, so differentiating them raises PyTorch's once_differentiable error instead of
   * silently giving a wrong second derivative.
   */
  readonly onceDifferentiable?: boolean;
}

const ops = new Map<string, OpDefinition>();

export function registerOp(def: OpDefinition): OpDefinition {
  if (ops.has(def.name)) throw new Error(`registerOp: op "${def.name}" is registered twice`);
  ops.set(def.name, def);
  return def;
}

export function registeredOps(): string[] {
  return [...ops.keys()].sort();
}

export function opDefinition(name: string): OpDefinition | undefined {
  return ops.get(name);
}

/** The definition record() uses; throws for an op or grad_fn name nobody registered. */
export function checkedDefinition(op: string, gradFn: string): OpDefinition {
  const def = ops.get(op);
  if (def === undefined || !def.gradFns.includes(gradFn)) {
    throw new Error(
      `record(): op "${op}" with grad_fn ${gradFn} is not registered; add registerOp({ name: "${op}", gradFns: ["${gradFn}"] }) beside its forward`,
    );
  }
  return def;
}
