// @corpus correct
// Follows pytorch/examples dcgan/main.py (scaled down to 8×8 images): a ConvTranspose2d generator and
// a Conv2d discriminator with BatchNorm2d and LeakyReLU, weights_init on Conv/BatchNorm, BCELoss;
// netD.zero_grad(); errD_real.backward(); errD_fake.backward() on fake.detach(); optimizerD.step();
// then netG.zero_grad(); errG.backward(); optimizerG.step().
import { nn, optim, randn, full, manualSeed } from "gradlens";

manualSeed(2);
function weightsInit(m: nn.Module) {
  if (m instanceof nn.Conv2d || m instanceof nn.ConvTranspose2d) nn.init.normal_(m.weight, 0, 0.02);
  if (m instanceof nn.BatchNorm2d) {
    nn.init.normal_(m.weight!, 1, 0.02);
    nn.init.zeros_(m.bias!);
  }
}
const nz = 8, ngf = 4, ndf = 4;
const netG = new nn.Sequential(
  new nn.ConvTranspose2d(nz, ngf * 2, 4, { stride: 1, padding: 0, bias: false }), new nn.BatchNorm2d(ngf * 2), new nn.ReLU(),
  new nn.ConvTranspose2d(ngf * 2, 1, 4, { stride: 2, padding: 1, bias: false }), new nn.Tanh(),
);
netG.apply(weightsInit);
const netD = new nn.Sequential(
  new nn.Conv2d(1, ndf, 4, { stride: 2, padding: 1, bias: false }), new nn.LeakyReLU(0.2),
  new nn.Conv2d(ndf, ndf * 2, 2, { stride: 2, padding: 0, bias: false }), new nn.BatchNorm2d(ndf * 2), new nn.LeakyReLU(0.2),
  new nn.Conv2d(ndf * 2, 1, 2, { stride: 1, padding: 0, bias: false }), new nn.Sigmoid(),
);
netD.apply(weightsInit);
const criterion = new nn.BCELoss();
const optimizerD = new optim.Adam(netD.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
const optimizerG = new optim.Adam(netG.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });

for (let i = 0; i < 3; i++) {
  const real = randn(4, 1, 8, 8);
  // (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
  netD.zeroGrad();
  let label = full([4], 1);
  const errDReal = criterion.call(netD.call(real).view(-1), label);
  errDReal.backward();
  const fake = netG.call(randn(4, nz, 1, 1));
  label = full([4], 0);
  const errDFake = criterion.call(netD.call(fake.detach()).view(-1), label);
  errDFake.backward();
  optimizerD.step();
  // (2) Update G: maximize log(D(G(z)))
  netG.zeroGrad();
  label = full([4], 1);
  const errG = criterion.call(netD.call(fake).view(-1), label);
  errG.backward();
  optimizerG.step();
}
