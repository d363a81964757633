// The check-time benchmark's ResNet-18: torchvision's resnet18 as CIFAR training scripts adapt it
// (3×3 stem with stride 1, no max-pool; BasicBlocks [2, 2, 2, 2] with 64–512 channels; 11.2 M
// parameters), one SGD training loop on a 32×32 batch of 8. The check stops after the first step.
import { nn, optim, randn, randint, manualSeed, type Tensor } from "gradlens";

manualSeed(0);

class BasicBlock extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  shortcut: nn.Sequential;
  constructor(inPlanes: number, planes: number, stride: number) {
    super();
    this.conv1 = new nn.Conv2d(inPlanes, planes, 3, { stride, padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(planes);
    this.conv2 = new nn.Conv2d(planes, planes, 3, { stride: 1, padding: 1, bias: false });
    this.bn2 = new nn.BatchNorm2d(planes);
    this.shortcut =
      stride !== 1 || inPlanes !== planes
        ? new nn.Sequential(new nn.Conv2d(inPlanes, planes, 1, { stride, bias: false }), new nn.BatchNorm2d(planes))
        : new nn.Sequential();
  }
  forward(x: Tensor): Tensor {
    const out = this.bn1.call(this.conv1.call(x)).relu();
    return this.bn2.call(this.conv2.call(out)).add(this.shortcut.call(x)).relu();
  }
}

class ResNet18 extends nn.Module {
  conv1 = new nn.Conv2d(3, 64, 3, { stride: 1, padding: 1, bias: false });
  bn1 = new nn.BatchNorm2d(64);
  layer1 = new nn.Sequential(new BasicBlock(64, 64, 1), new BasicBlock(64, 64, 1));
  layer2 = new nn.Sequential(new BasicBlock(64, 128, 2), new BasicBlock(128, 128, 1));
  layer3 = new nn.Sequential(new BasicBlock(128, 256, 2), new BasicBlock(256, 256, 1));
  layer4 = new nn.Sequential(new BasicBlock(256, 512, 2), new BasicBlock(512, 512, 1));
  pool = new nn.AdaptiveAvgPool2d(1);
  linear = new nn.Linear(512, 10);
  forward(x: Tensor): Tensor {
    let out = this.bn1.call(this.conv1.call(x)).relu();
    out = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(out))));
    return this.linear.call(this.pool.call(out).flatten(1));
  }
}

const model = new ResNet18();
const criterion = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
model.train();
for (let step = 0; step < 10; step++) {
  const inputs = randn(8, 3, 32, 32), targets = randint(0, 10, [8]);
  optimizer.zeroGrad();
  const loss = criterion.call(model.call(inputs), targets);
  loss.backward();
  optimizer.step();
}
