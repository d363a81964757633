// @corpus correct
// Follows MoCo (v2/v3; DINO's teacher is updated the same way): a query encoder trained by SGD and a
// key encoder that gets no gradient (requiresGrad false) and follows it by a momentum update written
// through `.data`: θk ← m·θk + (1 − m)·θq, `pk.data.mul_(m).add_(pq.data, ...)`, under noGrad before
// the keys are computed. The key encoder starts as a copy (`pk.data.copy_(pq.data)`). The loss is
// InfoNCE over the positive key and a queue of negatives, which is refreshed with each batch's keys.
import { nn, optim, F, noGrad, randn, zeros, cat, manualSeed } from "gradlens";

manualSeed(53);
function encoder() {
  return new nn.Sequential(new nn.Linear(12, 24), new nn.ReLU(), new nn.Linear(24, 8));
}
const encoderQ = encoder();
const encoderK = encoder();
const paramsQ = [...encoderQ.parameters()], paramsK = [...encoderK.parameters()];
paramsK.forEach((pk, i) => {
  pk.data.copy_(paramsQ[i].data);
  pk.requiresGrad = false;
});
const momentum = 0.999, temperature = 0.07, queueSize = 16, batch = 4;
let queue = F.normalize(randn(8, queueSize), { dim: 0 });
const optimizer = new optim.SGD(encoderQ.parameters(), { lr: 0.03, momentum: 0.9, weightDecay: 1e-4 });

for (let step = 0; step < 3; step++) {
  const x = randn(batch, 12);
  const imQ = x.add(randn(batch, 12).mul(0.1)), imK = x.add(randn(batch, 12).mul(0.1));
  const q = F.normalize(encoderQ.call(imQ), { dim: 1 });
  const k = noGrad(() => {
    paramsK.forEach((pk, i) => pk.data.mul_(momentum).add_(paramsQ[i].data, { alpha: 1 - momentum }));
    return F.normalize(encoderK.call(imK), { dim: 1 });
  });
  const lPos = q.mul(k).sum(1, true);
  const lNeg = q.matmul(queue);
  const logits = cat([lPos, lNeg], 1).div(temperature);
  const labels = zeros([batch], { dtype: "int64" });
  const loss = F.crossEntropy(logits, labels);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  queue = cat([k.t(), queue], 1).narrow(1, 0, queueSize);
}
