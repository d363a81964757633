// An image classifier in the style of a small ResNet stem + VGG body: 12 conv–batchnorm blocks and a
// linear head, 50 parameter tensors, trained with SGD + momentum and cross-entropy on random images
// standing in for a dataset. Everything is trained: the check finds nothing to report.
import { nn, optim, F, randn, randint, manualSeed } from "gradlens";

manualSeed(0);

class ConvBlock extends nn.Module {
  conv: nn.Conv2d;
  bn: nn.BatchNorm2d;
  constructor(inChannels: number, outChannels: number) {
    super();
    this.conv = new nn.Conv2d(inChannels, outChannels, 3, { padding: 1 });
    this.bn = new nn.BatchNorm2d(outChannels);
  }
  forward(x: any) {
    return F.relu(this.bn.call(this.conv.call(x)));
  }
}

class Classifier extends nn.Module {
  stem = new ConvBlock(3, 8);
  body = new nn.Sequential(...Array.from({ length: 11 }, (_, i) => new ConvBlock(8, 8)));
  pool = new nn.AdaptiveAvgPool2d(1);
  head = new nn.Linear(8, 10);
  forward(x: any) {
    x = this.body.call(this.stem.call(x));
    return this.head.call(this.pool.call(x).flatten(1));
  }
}

const model = new Classifier();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });

for (let step = 0; step < 3; step++) {
  const images = randn(4, 3, 8, 8);
  const labels = randint(0, 10, [4]);
  optimizer.zeroGrad();
  const loss = F.crossEntropy(model.call(images), labels);
  loss.backward();
  optimizer.step();
}
