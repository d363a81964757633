// @corpus buggy
// The classic GAN bug (a twin of dcgan.ts): both optimizers are cleared once at the top of the
// iteration, and D trains on the generator's output without detach(). lossD.backward() therefore
// also writes gradient into G, and optimizerG.step() applies D's gradient together with G's own
// (examples/gan-no-detach.ts is the same bug in its smallest form).
import { nn, optim, randn, ones, zeros, manualSeed } from "gradlens";

manualSeed(14);
const netG = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 6));
const netD = new nn.Sequential(new nn.Linear(6, 16), new nn.LeakyReLU(0.2), new nn.Linear(16, 1));
const criterion = new nn.BCEWithLogitsLoss();
const optimizerD = new optim.Adam(netD.parameters(), { lr: 2e-4 });
const optimizerG = new optim.Adam(netG.parameters(), { lr: 2e-4 });
for (let i = 0; i < 2; i++) {
  optimizerD.zeroGrad();
  optimizerG.zeroGrad();
  const fake = netG.call(randn(8, 4));
  const lossD = criterion.call(netD.call(randn(8, 6)), ones(8, 1)).add(criterion.call(netD.call(fake), zeros(8, 1)));
  lossD.backward();
  optimizerD.step();
  const lossG = criterion.call(netD.call(netG.call(randn(8, 4))), ones(8, 1));
  lossG.backward();
  optimizerG.step(); // @finding GL006
}
