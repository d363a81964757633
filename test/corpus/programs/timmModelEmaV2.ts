// @corpus correct
// timm's ModelEmaV2 around a plain classifier: the EMA copy is a module of its own whose parameters
// keep requiresGrad (timm never turns it off) and get no gradient; after every step its values are
// written through its state dict, whose values share the parameters' memory:
// `for (ema_v, model_v) of zip(ema.stateDict(), model.stateDict()) ema_v.copy_(d·ema_v + (1 − d)·model_v)`
// under noGrad. It is evaluated under noGrad, never trained.
import { nn, optim, F, noGrad, randn, randint, manualSeed, type Tensor } from "gradlens";

manualSeed(47);
function makeModel() {
  return new nn.Sequential(new nn.Linear(10, 24), new nn.BatchNorm1d(24), new nn.ReLU(), new nn.Linear(24, 4));
}
class ModelEmaV2 extends nn.Module {
  readonly module = makeModel();
  constructor(model: nn.Module, readonly decay = 0.9999) {
    super();
    this.module.loadStateDict(model.stateDict());
    this.module.eval();
  }
  private update_(model: nn.Module, updateFn: (e: Tensor, m: Tensor) => Tensor) {
    noGrad(() => {
      const emaValues = Object.values(this.module.stateDict()), modelValues = Object.values(model.stateDict());
      emaValues.forEach((emaV, i) => emaV.copy_(updateFn(emaV, modelValues[i])));
    });
  }
  update(model: nn.Module) {
    this.update_(model, (e, m) => e.mul(this.decay).add(m.mul(1 - this.decay)));
  }
  forward(x: Tensor) {
    return this.module.call(x);
  }
}
const model = makeModel();
const modelEma = new ModelEmaV2(model, 0.998);
const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
for (let step = 0; step < 4; step++) {
  model.train();
  const inputs = randn(8, 10), targets = randint(0, 4, [8]);
  const loss = F.crossEntropy(model.call(inputs), targets);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  modelEma.update(model);
  const accuracy = noGrad(() => modelEma.call(randn(8, 10)).argmax(1).eq(targets).float().mean());
  void accuracy;
}
