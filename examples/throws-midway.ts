// A file that fails halfway: the second layer's weight has the wrong shape, so the matmul throws.
// The check reports the engine's error at the line of the matmul and keeps what ran before it.
import { randn } from "gradlens";

const x = randn(4, 3);
const w1 = randn(3, 5, { requiresGrad: true });
const w2 = randn(6, 2, { requiresGrad: true });

const h = x.matmul(w1).relu();
console.log("hidden layer done");
const out = h.matmul(w2);
out.sum().backward();
