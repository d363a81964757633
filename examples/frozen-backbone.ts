// Fine-tuning with a frozen pretrained backbone: the convolutional feature extractor is frozen with
// requiresGrad_(false) and kept in eval mode, and the optimizer only holds the classifier head's
// parameters; only the head gets gradients and changes.
import { nn, optim, F, randn, randint, manualSeed } from "gradlens";

manualSeed(0);
const backbone = new nn.Sequential(
  new nn.Conv2d(1, 4, 3, { padding: 1 }),
  new nn.BatchNorm2d(4),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Conv2d(4, 8, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.AdaptiveAvgPool2d(1),
  new nn.Flatten(),
);
const head = new nn.Linear(8, 3);
backbone.requiresGrad_(false);
backbone.eval();
const opt = new optim.SGD(head.parameters(), { lr: 0.1, momentum: 0.9 });
const images = randn(8, 1, 8, 8), labels = randint(0, 3, [8]);

for (let step = 0; step < 3; step++) {
  opt.zeroGrad();
  const features = backbone.forward(images);
  const loss = F.crossEntropy(head.forward(features), labels);
  loss.backward();
  opt.step();
  console.log(`step ${step}: loss ${loss.item().toFixed(4)}`);
}

const backboneGrads = [...backbone.parameters()].filter((p) => p.grad !== null).length;
console.log(`backbone params with grads: ${backboneGrads}, head.weight.grad: ${head.weight.grad === null ? "null" : "set"}`);
