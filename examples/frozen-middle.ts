// The article's chain of four Linear layers with lin2 frozen (requiresGrad_(false)): gradients
// still flow *through* lin2 to lin0 and lin1, but lin2's own weight and bias get none.
import { nn, optim, randn, manualSeed } from "gradlens";

manualSeed(0);
const lin0 = new nn.Linear(2, 2);
const lin1 = new nn.Linear(2, 2);
const lin2 = new nn.Linear(2, 2);
const lin3 = new nn.Linear(2, 2);
lin2.requiresGrad_(false);
const layers = { lin0, lin1, lin2, lin3 };
const params = [lin0, lin1, lin2, lin3].flatMap((l) => [...l.parameters()]);
const opt = new optim.SGD(params, { lr: 0.01 });
const x = randn(2, 2, { requiresGrad: true });

for (let step = 0; step < 3; step++) {
  opt.zeroGrad();
  const x1 = lin0.forward(x);
  const x2 = lin1.forward(x1);
  const x3 = lin2.forward(x2);
  const x4 = lin3.forward(x3);
  const loss = x4.sum();
  loss.backward();
  opt.step();
}

for (const [name, lin] of Object.entries(layers)) {
  console.log(`${name}.weight.grad: ${lin.weight.grad === null ? "null" : "set"}`);
}
