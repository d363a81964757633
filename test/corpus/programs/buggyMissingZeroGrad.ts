// @corpus buggy
// A twin of mnist.ts without optimizer.zeroGrad(): every step applies the sum of all gradients
// computed so far, not this batch's.
import { nn, optim, F, randn, randint, manualSeed } from "gradlens";

manualSeed(15);
const model = new nn.Sequential(new nn.Linear(10, 16), new nn.ReLU(), new nn.Linear(16, 3));
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
for (let batch = 0; batch < 4; batch++) {
  const loss = F.crossEntropy(model.call(randn(4, 10)), randint(0, 3, [4]));
  loss.backward();
  optimizer.step(); // @finding GL005
}
