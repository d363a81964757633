import { describe, it, expect } from "vitest";
import { nn, noGrad, randn, type Node, type Tensor } from "gradlens";
import { loadFixture } from "./torchFixtures";

// What Linear saves for backward, against PyTorch (test/fixtures/torch/memory.json): AddmmBackward0
// keeps mat1 only when the weight needs a gradient and mat2 (W.t()) only when the input does.

function graphNodes(root: Tensor): Node[] {
  const seen = new Set<Node>();
  const stack = root.gradFn ? [root.gradFn] : [];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const [next] of n.nextFunctions) if (next) stack.push(next);
  }
  return [...seen];
}

describe("Linear's saved tensors match PyTorch's", () => {
  for (const c of loadFixture("memory").cases) {
    it(c.name, () => {
      const [A, B, C] = [0, 1, 2].map(() => new nn.Sequential(new nn.Linear(256, 256), new nn.ReLU()));
      const frozen = { A, B, C } as Record<string, nn.Sequential>;
      for (const [name, flag] of Object.entries(c.requiresGrad as Record<string, boolean>)) frozen[name].requiresGrad_(flag);
      const x = randn(64, 256);
      const run = () => C.call(B.call(A.call(x))).sum() as Tensor;
      const loss = c.name === "no_grad" ? noGrad(run) : run();
      expect(loss.requiresGrad).toBe(c.lossRequiresGrad);
      const nodes = graphNodes(loss);
      const saved = nodes.flatMap((n) => n.savedForBackward().map((t) => `${n.name}:${t.shape.join("x")}`)).sort();
      const expected = (c.packed as Array<{ gradFn: string; shape: number[] }>).map((p) => `${p.gradFn}:${p.shape.join("x")}`).sort();
      expect(saved).toEqual(expected);
      expect(nodes.reduce((acc, n) => acc + n.savedBytes, 0)).toBe(c.totalBytesPerPack);
    });
  }
});
