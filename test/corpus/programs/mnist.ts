// @corpus correct
// Follows pytorch/examples mnist/main.py: a small conv net, a train loop (zero_grad, backward,
// step) with a StepLR scheduler, then a test pass under no_grad in eval mode. Random tensors stand
// in for the dataset.
import { nn, optim, F, noGrad, randn, randint, manualSeed } from "gradlens";

manualSeed(1);
class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3);
  conv2 = new nn.Conv2d(4, 8, 3);
  dropout = new nn.Dropout(0.25);
  fc1 = new nn.Linear(8 * 2 * 2, 16);
  fc2 = new nn.Linear(16, 10);
  forward(x: any) {
    x = F.relu(this.conv1.call(x));
    x = F.maxPool2d(F.relu(this.conv2.call(x)), 2);
    x = this.dropout.call(x).flatten(1);
    x = this.dropout.call(F.relu(this.fc1.call(x)));
    return F.logSoftmax(this.fc2.call(x), 1);
  }
}

const model = new Net();
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
const scheduler = new optim.StepLR(optimizer, 1, 0.7);
for (let epoch = 0; epoch < 2; epoch++) {
  model.train();
  for (let batch = 0; batch < 3; batch++) {
    const data = randn(4, 1, 8, 8);
    const target = randint(0, 10, [4]);
    optimizer.zeroGrad();
    const loss = F.nllLoss(model.call(data), target);
    loss.backward();
    optimizer.step();
  }
  model.eval();
  noGrad(() => {
    const output = model.call(randn(4, 1, 8, 8));
    F.nllLoss(output, randint(0, 10, [4]), { reduction: "sum" }).item();
  });
  scheduler.step();
}
