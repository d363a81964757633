// @corpus correct
// The online linear evaluation of self-supervised training (as in SimCLR/BYOL implementations): a
// linear probe learns on detached encoder features while the encoder trains on its own loss, both
// stepped by one optimizer. The probe's loss reaches the encoder by no path, which GL007 reports as a
// warning; here it is on purpose, so the line carries `// gradlens-ignore GL007` and the finding is
// listed as suppressed.
import { nn, optim, F, randn, randint, manualSeed } from "gradlens";

manualSeed(17);
const encoder = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 8));
const decoder = new nn.Linear(8, 8);
const probe = new nn.Linear(8, 3);
const optimizer = new optim.Adam([...encoder.parameters(), ...decoder.parameters(), ...probe.parameters()], { lr: 1e-3 });
for (let i = 0; i < 2; i++) {
  const x = randn(4, 8), labels = randint(0, 3, [4]);
  optimizer.zeroGrad();
  const h = encoder.call(x);
  F.mseLoss(decoder.call(h), x).backward();
  // gradlens-ignore GL007
  const probeLoss = F.crossEntropy(probe.call(h.detach()), labels);
  probeLoss.backward();
  optimizer.step();
}
