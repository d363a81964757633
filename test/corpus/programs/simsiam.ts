// @corpus correct
// Follows facebookresearch/simsiam (main_simsiam.py and builder.py): two augmented views, a shared
// encoder and a predictor, loss = −(cos(p1, z2.detach()) + cos(p2, z1.detach())) / 2.
import { nn, optim, F, randn, manualSeed } from "gradlens";

manualSeed(9);
class SimSiam extends nn.Module {
  encoder = new nn.Sequential(new nn.Linear(10, 16), new nn.BatchNorm1d(16), new nn.ReLU(), new nn.Linear(16, 8));
  predictor = new nn.Sequential(new nn.Linear(8, 4), new nn.ReLU(), new nn.Linear(4, 8));
  forward(x1: any, x2: any) {
    const z1 = this.encoder.call(x1), z2 = this.encoder.call(x2);
    return [this.predictor.call(z1), this.predictor.call(z2), z1.detach(), z2.detach()];
  }
}
function cosine(a: any, b: any) {
  const an = a.div(a.pow(2).sum(1, true).sqrt()), bn = b.div(b.pow(2).sum(1, true).sqrt());
  return an.mul(bn).sum(1).mean();
}
const model = new SimSiam();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 1e-4 });
for (let i = 0; i < 3; i++) {
  const x = randn(6, 10);
  const [p1, p2, z1, z2] = model.call(x.add(randn(6, 10).mul(0.1)), x.add(randn(6, 10).mul(0.1)));
  const loss = cosine(p1, z2).add(cosine(p2, z1)).mul(-0.5);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
}
void F;
