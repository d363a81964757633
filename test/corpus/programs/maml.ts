// @corpus correct
// Second-order MAML as in the usual PyTorch implementations (e.g. learn2learn-free versions of the
// sine-regression example): for each task, the inner step's gradient comes from
// autograd.grad(loss, params, { createGraph: true }), the fast weights are p - alpha * g (graph kept),
// the query loss of the fast weights is summed over the tasks, and the meta-optimizer steps.
import { nn, optim, F, autograd, rand, manualSeed } from "gradlens";

manualSeed(13);
const model = new nn.Sequential(new nn.Linear(1, 16), new nn.ReLU(), new nn.Linear(16, 1));
const metaOptimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
const innerLr = 0.01;

function functionalForward(x: any, weights: any[]) {
  const h = F.relu(F.linear(x, weights[0], weights[1]));
  return F.linear(h, weights[2], weights[3]);
}

function sampleTask() {
  const amplitude = 0.1 + Math.random() * 4.9;
  const phase = Math.random() * Math.PI;
  return (n: number) => {
    const x = rand(n, 1).mul(10).sub(5);
    return [x, x.add(phase).sin().mul(amplitude)];
  };
}

for (let iteration = 0; iteration < 3; iteration++) {
  metaOptimizer.zeroGrad();
  let metaLoss: any = 0;
  for (let t = 0; t < 4; t++) {
    const task = sampleTask();
    const [xs, ys] = task(5);
    const [xq, yq] = task(5);
    const params = [...model.parameters()];
    const supportLoss = F.mseLoss(functionalForward(xs, params), ys);
    const grads = autograd.grad(supportLoss, params, { createGraph: true });
    const fast = params.map((p, i) => p.sub(grads[i]!.mul(innerLr)));
    metaLoss = F.mseLoss(functionalForward(xq, fast), yq).add(metaLoss);
  }
  metaLoss = metaLoss.div(4);
  metaLoss.backward();
  metaOptimizer.step();
}
