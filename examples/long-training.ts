// A small regression MLP trained for 10,000 epochs. `gradlens check` does not wait for them: it
// stops before the second optimizer step, once one full training iteration has been traced.
import { manualSeed, nn, optim, randn } from "gradlens";

manualSeed(0);

class MLP extends nn.Module {
  fc1 = new nn.Linear(8, 32);
  act = new nn.ReLU();
  fc2 = new nn.Linear(32, 1);

  forward(x: ReturnType<typeof randn>) {
    return this.fc2.call(this.act.call(this.fc1.call(x)));
  }
}

const model = new MLP();
const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
const lossFn = new nn.MSELoss();
const x = randn(64, 8);
const y = randn(64, 1);

for (let epoch = 0; epoch < 10_000; epoch++) {
  opt.zeroGrad();
  const loss = lossFn.call(model.call(x), y);
  loss.backward();
  opt.step();
  if (epoch % 1000 === 0) console.log(`epoch ${epoch}: loss ${loss.item().toFixed(4)}`);
}
