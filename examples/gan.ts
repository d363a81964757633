// A GAN step done right: the D step trains on fake.detach() (no gradient reaches G), then both
// gradients are cleared and the G step backpropagates through D into G; only optG updates G.
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
  const fake = G.forward(z);

  // D step: fake.detach() keeps D's loss out of G
  optD.zeroGrad();
  const lossD = criterion.forward(D.forward(real), valid).add(criterion.forward(D.forward(fake.detach()), fakeLabel));
  lossD.backward();
  optD.step();

  // G step: clear G's grads, backprop through D into G, update G only
  optG.zeroGrad();
  const lossG = criterion.forward(D.forward(fake), valid);
  lossG.backward();
  optG.step();

  console.log(`step ${step}: lossD ${lossD.item().toFixed(4)}, lossG ${lossG.item().toFixed(4)}`);
}
