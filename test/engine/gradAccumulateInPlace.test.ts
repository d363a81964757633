// backward sums two gradients for one node into the first one's memory when that memory is only
// the pending slot's (backward.ts Ownership.accumulatesInPlace, as PyTorch's InputBuffer). These tests
// check values against closed-form gradients where a wrong in-place sum would change them: a buffer
// another pending slot still holds, one a retainGrad or hook kept, the caller's own gradient argument.
import { expect, it } from "vitest";
import { manualSeed, randn, type Tensor } from "gradlens";

const values = (t: Tensor | null) => Array.from(t!.dataSync());
const close = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, 4));
};

it("a gradient another pending slot still holds is not summed into", () => {
  manualSeed(1);
  const x = randn(6).requiresGrad_();
  // creation order makes s's AddBackward run first: it hands one gradient to both p's and q's nodes,
  // then p*p's gradients arrive for p's node while q's node still waits on that same memory
  const p = x.mul(2), q = x.mul(3);
  const pp = p.mul(p);
  const s = p.add(q);
  pp.sum().add(s.mul(s).sum()).backward();
  // d/dx [Σ(2x)² + Σ(5x)²] = 8x + 50x
  close(values(x.grad), values(x).map((v) => 58 * v));
});

for (const keep of ["retainGrad", "hook"] as const) {
  it(`a gradient a ${keep} kept is not summed into`, () => {
    manualSeed(2);
    const x = randn(5).requiresGrad_();
    // u's cos branch is made first, so its gradient reaches u's node after t's AddBackward handed
    // u's node the very gradient t's ${keep} kept
    const u = x.mul(2);
    const cosSum = u.cos().sum();
    const t = u.add(x.mul(5));
    let kept: Tensor | null = null;
    if (keep === "retainGrad") t.retainGrad();
    else t.registerHook((g) => void (kept = g));
    t.sin().sum().add(cosSum).backward();
    const tv = values(t), uv = values(u);
    close(values(keep === "retainGrad" ? t.grad : kept), tv.map(Math.cos));
    close(values(x.grad), tv.map((v, i) => 2 * (Math.cos(v) - Math.sin(uv[i]!)) + 5 * Math.cos(v)));
  });
}

it("the caller's gradient argument is not summed into", () => {
  manualSeed(3);
  const x = randn(4).requiresGrad_();
  const u = x.mul(2);
  const seed = randn(4);
  const before = values(seed);
  // AddBackward hands the seed itself to u's node twice
  u.add(u).backward(seed);
  expect(values(seed)).toEqual(before);
  close(values(x.grad), before.map((v) => 4 * v));
});
