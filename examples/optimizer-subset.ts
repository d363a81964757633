// The article's optimizer subset: the SGD is built from fc's and model2's parameters only, so
// model1 receives gradients on every backward but step() never updates it.
import { nn, optim, randn, manualSeed } from "gradlens";

manualSeed(0);
const model1 = new nn.Linear(2, 2);
const model2 = new nn.Linear(2, 2);
const fc = new nn.Linear(2, 1);
const opt = new optim.SGD([...fc.parameters(), ...model2.parameters()], { lr: 1e-2, momentum: 0.9 });
const x = randn(3, 2);
const before = model1.weight.tolist();

for (let step = 0; step < 3; step++) {
  opt.zeroGrad();
  const out = fc.forward(model2.forward(model1.forward(x)));
  const loss = out.sum();
  loss.backward();
  opt.step();
}

console.log(`model1.weight.grad: ${model1.weight.grad === null ? "null" : "set"}`);
console.log(`model1 unchanged: ${JSON.stringify(model1.weight.tolist()) === JSON.stringify(before)}`);
