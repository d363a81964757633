// The article's first example: z feeds w = z³ and, through a side branch p, a second loss p·q.
// Both backward passes accumulate into x.grad: 56 when p = z, but 48 when p = z.detach(),
// because the detached branch no longer reaches x (only w's 48 does).
import { tensor, manualSeed } from "gradlens";

manualSeed(0);

function run(detachBranch: boolean): number {
  const x = tensor([1.0], { requiresGrad: true });
  const q = tensor([2.0], { requiresGrad: true });
  for (let step = 0; step < 3; step++) {
    x.grad = null;
    q.grad = null;
    const y = x.pow(2);
    const z = y.mul(2);
    const w = z.pow(3);
    const p = detachBranch ? z.detach() : z;
    const pq = p.mul(q);
    pq.backward({ retainGraph: true });
    w.backward();
  }
  return x.grad!.item();
}

console.log(`p = z          -> x.grad = ${run(false)}`);
console.log(`p = z.detach() -> x.grad = ${run(true)}`);
