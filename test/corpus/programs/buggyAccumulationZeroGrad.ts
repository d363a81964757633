// @corpus buggy
// A twin of gradAccumulation.ts with zeroGrad() moved into the micro-batch loop before backward():
// every micro-batch clears the gradients the earlier ones accumulated, so each step applies only the
// last micro-batch's gradient (a quarter of it), not the window's sum.
import { nn, optim, F, randn, randint, manualSeed } from "gradlens";

manualSeed(21);
const model = new nn.Sequential(new nn.Linear(12, 16), new nn.GELU(), new nn.Linear(16, 3));
const optimizer = new optim.AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.01 });
const accumSteps = 4;
model.train();
for (let i = 0; i < 10; i++) {
  const inputs = randn(2, 12), labels = randint(0, 3, [2]);
  const loss = F.crossEntropy(model.call(inputs), labels).div(accumSteps);
  optimizer.zeroGrad();  // @finding GL002
  loss.backward();
  if ((i + 1) % accumSteps === 0) optimizer.step();
}
