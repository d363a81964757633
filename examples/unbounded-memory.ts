// Every iteration keeps its activations (and the graph behind them) in a history array that is never
// cleared, and the loop has no end: memory grows until the check's memory limit stops it.
import { randn, type Tensor } from "gradlens";

const w = randn(1024, 1024, { requiresGrad: true });
const history: Tensor[] = [];

for (let i = 0; ; i++) {
  const x = randn(1024, 1024);
  const h = x.mul(w).relu();
  history.push(h);
  if (i % 10 === 0) console.log(`kept ${history.length} activations`);
}
