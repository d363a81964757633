// A loop waiting for a condition that never comes: the prediction is compared against an
// impossible target and the loop has no other exit. The check stops it at the time limit.
import { randn, noGrad } from "gradlens";

const w = randn(16, 16);
const x = randn(8, 16);

let error = Infinity;
while (error > -1) {
  error = noGrad(() => x.matmul(w).tanh().sub(1).abs().mean().item());
}
console.log("never printed", error);
