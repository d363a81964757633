// A small DCGAN: ConvTranspose2d generator, Conv2d discriminator, the D step on fake.detach().
import { nn, optim, randn, ones, zeros, manualSeed } from "gradlens";

manualSeed(0);
const nz = 8;
const G = new nn.Sequential(
  new nn.ConvTranspose2d(nz, 16, 4, { stride: 1, padding: 0, bias: false }), new nn.BatchNorm2d(16), new nn.ReLU(true),
  new nn.ConvTranspose2d(16, 1, 4, { stride: 2, padding: 1, bias: false }), new nn.Tanh(),
);
const D = new nn.Sequential(
  new nn.Conv2d(1, 16, 4, { stride: 2, padding: 1, bias: false }), new nn.LeakyReLU(0.2, true),
  new nn.Conv2d(16, 1, 4, { stride: 1, padding: 0, bias: false }), new nn.Flatten(),
);
const criterion = new nn.BCEWithLogitsLoss();
const optD = new optim.Adam(D.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
const optG = new optim.Adam(G.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });

for (let step = 0; step < 3; step++) {
  const real = randn(4, 1, 8, 8).tanh();
  const fake = G.forward(randn(4, nz, 1, 1));
  optD.zeroGrad();
  const lossD = criterion.forward(D.forward(real), ones(4, 1)).add(criterion.forward(D.forward(fake.detach()), zeros(4, 1)));
  lossD.backward();
  optD.step();
  optG.zeroGrad();
  const lossG = criterion.forward(D.forward(fake), ones(4, 1));
  lossG.backward();
  optG.step();
}
