// @corpus correct
// @status model.embed. frozen
// @status model.query.base. frozen
// @status model.value.base. frozen
// A LoRA fine-tune (as in microsoft/LoRA's loralib and Hugging Face PEFT): each adapted Linear keeps
// its pretrained weight frozen and adds a trainable low-rank update B·A scaled by alpha / r, with B
// starting at zero so the adapted model starts as the pretrained one. The optimizer gets only the
// parameters that require grad.
import { nn, optim, F, randn, randint, zeros, manualSeed, type Tensor } from "gradlens";

manualSeed(51);
class LoRALinear extends nn.Module {
  base: nn.Linear;
  loraA: nn.Parameter;
  loraB: nn.Parameter;
  scaling: number;
  dropout = new nn.Dropout(0.05);
  constructor(inFeatures: number, outFeatures: number, r: number, alpha: number) {
    super();
    this.base = new nn.Linear(inFeatures, outFeatures);
    this.base.requiresGrad_(false);
    this.loraA = new nn.Parameter(randn(r, inFeatures).mul(0.01));
    this.loraB = new nn.Parameter(zeros(outFeatures, r));
    this.scaling = alpha / r;
  }
  forward(x: Tensor) {
    const update = this.dropout.call(x).matmul(this.loraA.t()).matmul(this.loraB.t()).mul(this.scaling);
    return this.base.call(x).add(update);
  }
}
class Classifier extends nn.Module {
  embed = new nn.Linear(12, 16);
  query = new LoRALinear(16, 16, 4, 8);
  value = new LoRALinear(16, 16, 4, 8);
  head = new nn.Linear(16, 3);
  constructor() {
    super();
    this.embed.requiresGrad_(false);
  }
  forward(x: Tensor) {
    const h = this.embed.call(x).relu();
    return this.head.call(this.query.call(h).tanh().add(this.value.call(h)));
  }
}
const model = new Classifier();
const trainable = [...model.parameters()].filter((p) => p.requiresGrad);
const optimizer = new optim.AdamW(trainable, { lr: 1e-3 });
model.train();
for (let step = 0; step < 4; step++) {
  const inputs = randn(6, 12), labels = randint(0, 3, [6]);
  const loss = F.crossEntropy(model.call(inputs), labels);
  loss.backward();
  optimizer.step();
  optimizer.zeroGrad();
}
