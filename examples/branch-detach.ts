// The article's first example: z feeds w = z³ and, through a side branch p, a second loss p·q.
// Both backward() calls add into x.grad. Without a detach the side branch reaches x as well, so
// x.grad is 56 instead of w's 48; with p = z.detach() only w's gradient reaches x: 48.
import { tensor } from "gradlens";

// p = z: both losses send gradient to x (GradLens warns: two backward() calls accumulate into x)
const x = tensor([1.0], { requiresGrad: true });
const y = x.pow(2);
const z = y.mul(2);
const w = z.pow(3);
const p = z;
const q = tensor([2.0], { requiresGrad: true });
const pq = p.mul(q);
pq.backward({ retainGraph: true });
w.backward();
console.log(`p = z          -> x.grad = ${x.grad!.item()}`); // 56

// p = z.detach(): the side branch is cut, x gets only w's gradient
const x2 = tensor([1.0], { requiresGrad: true });
const z2 = x2.pow(2).mul(2);
const w2 = z2.pow(3);
const p2 = z2.detach();
const q2 = tensor([2.0], { requiresGrad: true });
p2.mul(q2).backward();
w2.backward();
console.log(`p = z.detach() -> x.grad = ${x2.grad!.item()}`); // 48
