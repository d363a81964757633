// @corpus correct
// The timm training loop's extras around a plain classifier: a ModelEma keeps an exponential moving
// average of the model's weights for evaluation (a copy with requiresGrad false, updated under noGrad
// after every step), the gradient norm is clipped before the step, and the lr warms up linearly
// (LinearLR) before a cosine decay (SequentialLR). The EMA copy is evaluated, never trained.
import { nn, optim, F, noGrad, randn, randint, manualSeed } from "gradlens";

manualSeed(41);
function makeModel() {
  return new nn.Sequential(new nn.Linear(10, 24), new nn.BatchNorm1d(24), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(24, 4));
}
class ModelEma {
  readonly ema = makeModel();
  constructor(model: nn.Module, readonly decay: number) {
    this.ema.loadStateDict(model.stateDict());
    this.ema.eval();
    for (const p of this.ema.parameters()) p.requiresGrad_(false);
  }
  update(model: nn.Module) {
    noGrad(() => {
      const emaParams = [...this.ema.parameters()], modelParams = [...model.parameters()];
      emaParams.forEach((e, i) => e.lerp_(modelParams[i], 1 - this.decay));
      const emaBuffers = [...this.ema.buffers()], modelBuffers = [...model.buffers()];
      emaBuffers.forEach((b, i) => b.copy_(modelBuffers[i]));
    });
  }
}
const model = makeModel();
const modelEma = new ModelEma(model, 0.998);
const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-4, nesterov: true });
const warmupSteps = 2, totalSteps = 6;
const scheduler = new optim.SequentialLR(optimizer, [
  new optim.LinearLR(optimizer, { startFactor: 0.1, totalIters: warmupSteps }),
  new optim.CosineAnnealingLR(optimizer, totalSteps - warmupSteps),
], [warmupSteps]);
for (let step = 0; step < totalSteps; step++) {
  model.train();
  const inputs = randn(8, 10), targets = randint(0, 4, [8]);
  const loss = F.crossEntropy(model.call(inputs), targets, { labelSmoothing: 0.1 });
  optimizer.zeroGrad();
  loss.backward();
  nn.utils.clipGradNorm_(model.parameters(), 1.0);
  optimizer.step();
  scheduler.step();
  modelEma.update(model);
  if (step % 3 === 2) {
    const accuracy = noGrad(() => modelEma.ema.call(randn(8, 10)).argmax(1).eq(targets).float().mean());
    void accuracy;
  }
}
