// The article's param groups: model2 and fc sit in groups with lr 0, so although every parameter
// gets a gradient and is in the optimizer, only model1 changes.
import { nn, optim, randn, manualSeed } from "gradlens";

manualSeed(0);
const model1 = new nn.Linear(2, 2);
const model2 = new nn.Linear(2, 2);
const fc = new nn.Linear(2, 1);
const opt = new optim.SGD(
  [
    { params: model1.parameters() },
    { params: model2.parameters(), lr: 0 },
    { params: fc.parameters(), lr: 0 },
  ],
  { lr: 1e-2, momentum: 0.9 },
);
const x = randn(3, 2);
const before = { model1: model1.weight.tolist(), model2: model2.weight.tolist(), fc: fc.weight.tolist() };

for (let step = 0; step < 3; step++) {
  opt.zeroGrad();
  const loss = fc.forward(model2.forward(model1.forward(x))).sum();
  loss.backward();
  opt.step();
}

const after = { model1: model1.weight.tolist(), model2: model2.weight.tolist(), fc: fc.weight.tolist() };
for (const name of ["model1", "model2", "fc"] as const) {
  console.log(`${name} changed: ${JSON.stringify(after[name]) !== JSON.stringify(before[name])}`);
}
