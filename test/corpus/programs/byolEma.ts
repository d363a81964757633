// @corpus correct
// Follows BYOL (and MoCo's momentum encoder): an online network (encoder + projector + predictor)
// trained by the optimizer, and a target network (encoder + projector) that gets no gradient
// (requiresGrad false) and follows the online weights by an exponential moving average written
// under noGrad after every step: ξ ← m·ξ + (1 − m)·θ. The loss compares the online prediction of one
// view with the target projection of the other, both ways.
import { nn, optim, F, noGrad, randn, manualSeed } from "gradlens";

manualSeed(31);
function mlp(inDim: number, hidden: number, out: number) {
  return new nn.Sequential(new nn.Linear(inDim, hidden), new nn.BatchNorm1d(hidden), new nn.ReLU(), new nn.Linear(hidden, out));
}
class Encoder extends nn.Module {
  backbone = new nn.Sequential(new nn.Linear(10, 16), new nn.ReLU());
  projector = mlp(16, 16, 8);
  forward(x: any) {
    return this.projector.call(this.backbone.call(x));
  }
}
const online = new Encoder();
const predictor = mlp(8, 16, 8);
const target = new Encoder();
target.loadStateDict(online.stateDict());
for (const p of target.parameters()) p.requiresGrad_(false);

function regressionLoss(p: any, z: any) {
  return F.normalize(p, { dim: 1 }).mul(F.normalize(z, { dim: 1 })).sum(1).mul(-2).add(2).mean();
}
const optimizer = new optim.Adam([...online.parameters(), ...predictor.parameters()], { lr: 3e-4 });
const baseMomentum = 0.99, totalSteps = 4;
for (let step = 0; step < totalSteps; step++) {
  const x = randn(6, 10);
  const view1 = x.add(randn(6, 10).mul(0.1)), view2 = x.add(randn(6, 10).mul(0.1));
  const p1 = predictor.call(online.call(view1)), p2 = predictor.call(online.call(view2));
  const [z1, z2] = noGrad(() => [target.call(view1), target.call(view2)]);
  const loss = regressionLoss(p1, z2).add(regressionLoss(p2, z1));
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  // the momentum rises to 1 along a cosine schedule, as in the paper
  const m = 1 - (1 - baseMomentum) * (Math.cos((Math.PI * step) / totalSteps) + 1) / 2;
  noGrad(() => {
    const targetParams = [...target.parameters()], onlineParams = [...online.parameters()];
    for (let i = 0; i < targetParams.length; i++) targetParams[i].mul_(m).add_(onlineParams[i], { alpha: 1 - m });
  });
}
