import { describe, expect, it } from "vitest";
import { tensor, noGrad } from "gradlens";

// The article's first example: a side branch p = z into a second loss, and w = z^3.
function run(detachP: boolean, retain = true) {
  const x = tensor([1.0], { requiresGrad: true });
  const y = x.pow(2);
  const z = y.mul(2);
  const w = z.pow(3);
  const p = detachP ? z.detach() : z;
  const q = tensor([2.0], { requiresGrad: true });
  const pq = p.mul(q);
  pq.backward({ retainGraph: retain });
  w.backward();
  return { x, q };
}

describe("the article's branch example", () => {
  it("accumulates both losses into x.grad: 56", () => {
    expect(run(false).x.grad!.tolist()).toEqual([56]);
  });
  it("with p = z.detach() only w's gradient reaches x: 48", () => {
    const { x, q } = run(true);
    expect(x.grad!.tolist()).toEqual([48]);
    expect(q.grad!.tolist()).toEqual([2]);
  });
  it("without retainGraph the second backward fails with PyTorch's words", () => {
    expect(() => run(false, false)).toThrow(/^Trying to backward through the graph a second time/);
  });
  it("grad modes", () => {
    const x = tensor([1.0], { requiresGrad: true });
    expect(noGrad(() => x.pow(2)).requiresGrad).toBe(false);
    expect(x.pow(2).requiresGrad).toBe(true);
    expect(x.pow(2).gradFn!.name).toBe("PowBackward0");
  });
});
