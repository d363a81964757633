// The list of differentiable ops. Each op module registers its ops here as it loads; the gradient
// check suite iterates this list and fails for any op without a finite-difference case.

const ops = new Set<string>();

export function registerOp(name: string): void {
  ops.add(name);
}

export function registeredOps(): string[] {
  return [...ops].sort();
}
