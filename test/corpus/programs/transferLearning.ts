// @corpus correct
// @status modelConv.backbone. frozen
// Follows the PyTorch transfer-learning tutorial, "ConvNet as fixed feature extractor": every
// parameter of a pretrained model gets requires_grad = False, model.fc is replaced by a new Linear
// (its parameters require grad by default), and only model.fc's parameters go to the optimizer.
// Stand-in: a small conv backbone for resnet18; the replaced fc never trains (it is gone).
import { nn, optim, F, randn, randint, manualSeed } from "gradlens";

manualSeed(5);
class TinyResNet extends nn.Module {
  backbone = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten());
  fc: nn.Module = new nn.Linear(4, 1000);
  forward(x: any) {
    return this.fc.call(this.backbone.call(x));
  }
}
function resnet18() {
  return new TinyResNet();
}
const modelConv = resnet18();
for (const param of modelConv.parameters()) param.requiresGrad = false;
modelConv.fc = new nn.Linear(4, 2);
const optimizerConv = new optim.SGD(modelConv.fc.parameters(), { lr: 0.001, momentum: 0.9 });
const expLrScheduler = new optim.StepLR(optimizerConv, 7, 0.1);
const criterion = new nn.CrossEntropyLoss();
for (let epoch = 0; epoch < 2; epoch++) {
  modelConv.train();
  for (let i = 0; i < 2; i++) {
    const inputs = randn(2, 3, 6, 6);
    const labels = randint(0, 2, [2]);
    optimizerConv.zeroGrad();
    const loss = criterion.call(modelConv.call(inputs), labels);
    loss.backward();
    optimizerConv.step();
  }
  expLrScheduler.step();
}
void F;
