// Evaluation done right: after each training step the model is switched to eval() (Dropout off,
// BatchNorm uses its running stats) and run inside noGrad, so evaluation records no graph, leaves
// the gradients alone and does not move the running stats; train() switches back.
import { nn, optim, F, randn, randint, noGrad, manualSeed } from "gradlens";

manualSeed(0);
const model = new nn.Sequential(
  new nn.Linear(4, 16),
  new nn.BatchNorm1d(16),
  new nn.ReLU(),
  new nn.Dropout(0.2),
  new nn.Linear(16, 3),
);
const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
const xTrain = randn(32, 4), yTrain = randint(0, 3, [32]);
const xVal = randn(16, 4), yVal = randint(0, 3, [16]);

for (let step = 0; step < 3; step++) {
  model.train();
  opt.zeroGrad();
  const loss = F.crossEntropy(model.forward(xTrain), yTrain);
  loss.backward();
  opt.step();

  model.eval();
  const valLoss = noGrad(() => F.crossEntropy(model.forward(xVal), yVal));
  console.log(`step ${step}: train loss ${loss.item().toFixed(4)}, val loss ${valLoss.item().toFixed(4)}, val requiresGrad ${valLoss.requiresGrad}`);
}
