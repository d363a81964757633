// @corpus correct
// Follows pytorch/examples dcgan/main.py: netD.zero_grad(); errD_real.backward();
// errD_fake.backward() on fake.detach(); optimizerD.step(); then netG.zero_grad(); errG.backward();
// optimizerG.step(). Stand-in: the engine has no ConvTranspose2d yet, so the generator upsamples
// with Linear layers (same gradient flow: G's output feeds D).
import { nn, optim, randn, full, manualSeed } from "gradlens";

manualSeed(2);
function weightsInit(m: nn.Module) {
  if (m instanceof nn.Linear) nn.init.normal_(m.weight, 0, 0.02);
  if (m instanceof nn.BatchNorm1d) {
    nn.init.normal_(m.weight!, 1, 0.02);
    nn.init.zeros_(m.bias!);
  }
}
const nz = 8;
const netG = new nn.Sequential(
  new nn.Linear(nz, 16), new nn.BatchNorm1d(16), new nn.ReLU(),
  new nn.Linear(16, 12), new nn.Tanh(),
);
netG.apply(weightsInit);
const netD = new nn.Sequential(
  new nn.Linear(12, 16), new nn.LeakyReLU(0.2),
  new nn.Linear(16, 8), new nn.BatchNorm1d(8), new nn.LeakyReLU(0.2),
  new nn.Linear(8, 1), new nn.Sigmoid(),
);
netD.apply(weightsInit);
const criterion = new nn.BCELoss();
const optimizerD = new optim.Adam(netD.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
const optimizerG = new optim.Adam(netG.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });

for (let i = 0; i < 3; i++) {
  const real = randn(8, 12);
  // (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
  netD.zeroGrad();
  let label = full([8, 1], 1);
  const errDReal = criterion.call(netD.call(real), label);
  errDReal.backward();
  const fake = netG.call(randn(8, nz));
  label = full([8, 1], 0);
  const errDFake = criterion.call(netD.call(fake.detach()), label);
  errDFake.backward();
  optimizerD.step();
  // (2) Update G: maximize log(D(G(z)))
  netG.zeroGrad();
  label = full([8, 1], 1);
  const errG = criterion.call(netD.call(fake), label);
  errG.backward();
  optimizerG.step();
}
