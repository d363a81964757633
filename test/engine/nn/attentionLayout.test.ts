// nn.MultiheadAttention computes batch-first inputs in their own [N, L, E] layout and self-attention
// with one packed projection (nn/transformer.ts): the same values and gradients as the sequence-first
// layout with separate projections (which the torchApi fixtures check against PyTorch), in float64.
import { describe, expect, it } from "vitest";
import { nn, randn, manualSeed, type Tensor } from "gradlens";

const f64 = { dtype: "float64" as const };

function run(batchFirst: boolean, self: boolean, packed = true): { out: number[]; weights: number[]; grads: number[][] } {
  manualSeed(3);
  const mha = new nn.MultiheadAttention(8, 2, { ...f64, batchFirst });
  manualSeed(4);
  const x = randn([5, 3, 8], f64), mem = randn([4, 3, 8], f64); // [L, N, E] and [S, N, E]
  const inp = (t: Tensor) => (batchFirst ? t.transpose(0, 1) : t).detach().requiresGrad_();
  const q = inp(x), kv = self ? q : inp(mem);
  // views of q are other tensors: the projections then run separately
  const key = self ? (packed ? q : q.view([...q.shape])) : kv;
  const [out, weights] = mha.forward(q, key, self && packed ? q : key);
  const y = batchFirst ? out.transpose(0, 1) : out; // compare in [L, N, E]
  y.mul(y).sum().backward();
  const grads = [...mha.parameters()].map((p) => Array.from(p.grad!.dataSync()));
  grads.push(Array.from((batchFirst ? q.grad!.transpose(0, 1) : q.grad!).contiguous().dataSync()));
  return { out: Array.from(y.contiguous().dataSync()), weights: Array.from(weights!.dataSync()), grads };
}

function expectSameValues(a: number[], b: number[], label: string): void {
  expect(a.length, label).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `${label}[${i}]`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(b[i]!)));
}

describe("MultiheadAttention layouts", () => {
  for (const self of [true, false]) {
    it(`${self ? "self" : "cross"}-attention: batch-first gives the sequence-first output, weights and gradients`, () => {
      const seqFirst = run(false, self, false), batchFirst = run(true, self);
      expectSameValues(batchFirst.out, seqFirst.out, "output");
      expectSameValues(batchFirst.weights, seqFirst.weights, "weights");
      seqFirst.grads.forEach((g, i) => expectSameValues(batchFirst.grads[i]!, g, `grad ${i}`));
      expect(seqFirst.out.some((v) => v !== 0)).toBe(true);
    });
  }
});
