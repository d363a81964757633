// A buggy GAN step: the D step uses fake without detach(), so lossD.backward() also writes
// gradients into G; and G's gradients are never cleared (no optG.zeroGrad()), so optG.step()
// updates G with D's gradient added to its own.
import { nn, optim, randn, ones, zeros, manualSeed } from "gradlens";

manualSeed(0);
const G = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 2));
const D = new nn.Sequential(new nn.Linear(2, 8), new nn.LeakyReLU(0.2), new nn.Linear(8, 1));
const optG = new optim.Adam(G.parameters(), { lr: 1e-3 });
const optD = new optim.Adam(D.parameters(), { lr: 1e-3 });
const criterion = new nn.BCEWithLogitsLoss();
const real = randn(16, 2).add(2);
const valid = ones(16, 1), fakeLabel = zeros(16, 1);

for (let step = 0; step < 3; step++) {
  const z = randn(16, 2);

  // D step: BUG, no detach — the gradient of D's loss flows into G
  optD.zeroGrad();
  const fake = G.forward(z);
  const lossD = criterion.forward(D.forward(real), valid).add(criterion.forward(D.forward(fake), fakeLabel));
  lossD.backward();
  optD.step();

  // G step: BUG, optG.zeroGrad() is missing — G's grads still hold D's contribution
  const fake2 = G.forward(z);
  const lossG = criterion.forward(D.forward(fake2), valid);
  lossG.backward();
  optG.step();

  console.log(`step ${step}: lossD ${lossD.item().toFixed(4)}, lossG ${lossG.item().toFixed(4)}`);
}
