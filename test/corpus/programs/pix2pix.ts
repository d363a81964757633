// @corpus correct
// Follows junyanz/pytorch-CycleGAN-and-pix2pix (models/pix2pix_model.py): optimize_parameters()
// runs forward, then set_requires_grad(netD, True), D's zero_grad/backward_D (fake_AB.detach())/step,
// then set_requires_grad(netD, False) and G's zero_grad/backward_G (GAN loss + λ·L1)/step.
// Stand-in: small Linear nets with BatchNorm for the U-Net and the PatchGAN.
import { nn, optim, F, randn, ones, zeros, cat, manualSeed } from "gradlens";

manualSeed(11);
function setRequiresGrad(nets: nn.Module[], requiresGrad: boolean) {
  for (const net of nets) for (const param of net.parameters()) param.requiresGrad = requiresGrad;
}
const netG = new nn.Sequential(new nn.Linear(6, 16), new nn.BatchNorm1d(16), new nn.ReLU(), new nn.Linear(16, 6), new nn.Tanh());
const netD = new nn.Sequential(new nn.Linear(12, 16), new nn.BatchNorm1d(16), new nn.LeakyReLU(0.2), new nn.Linear(16, 1));
const optimizerG = new optim.Adam(netG.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
const optimizerD = new optim.Adam(netD.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
const criterionGAN = new nn.BCEWithLogitsLoss();

for (let i = 0; i < 2; i++) {
  const realA = randn(4, 6), realB = randn(4, 6);
  const fakeB = netG.call(realA);
  // update D
  setRequiresGrad([netD], true);
  optimizerD.zeroGrad();
  const predFake = netD.call(cat([realA, fakeB], 1).detach());
  const lossDFake = criterionGAN.call(predFake, zeros(4, 1));
  const predReal = netD.call(cat([realA, realB], 1));
  const lossDReal = criterionGAN.call(predReal, ones(4, 1));
  const lossD = lossDFake.add(lossDReal).mul(0.5);
  lossD.backward();
  optimizerD.step();
  // update G
  setRequiresGrad([netD], false);
  optimizerG.zeroGrad();
  const lossGGAN = criterionGAN.call(netD.call(cat([realA, fakeB], 1)), ones(4, 1));
  const lossGL1 = F.l1Loss(fakeB, realB).mul(100);
  lossGGAN.add(lossGL1).backward();
  optimizerG.step();
}
