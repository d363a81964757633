// @corpus correct
// Follows caogang/wgan-gp (gan_toy.py) and the WGAN-GP paper's Algorithm 1: per critic iteration
// the critic's parameters get requires_grad = True again, netD.zero_grad(), D_real.backward(mone),
// D_fake.backward(one) on a detached fake, gradient_penalty.backward(), optimizerD.step(); then the
// critic is frozen (requires_grad = False) for the generator step. Stand-in: the engine has no
// autograd.grad yet, so the penalty is a surrogate on the critic's output at interpolates (a third
// loss of D's parameters, backpropagated before the step, as in the original).
import { nn, optim, randn, rand, manualSeed } from "gradlens";

manualSeed(10);
const netG = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 2));
const netD = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 1));
const optimizerD = new optim.Adam(netD.parameters(), { lr: 1e-4, betas: [0.5, 0.9] });
const optimizerG = new optim.Adam(netG.parameters(), { lr: 1e-4, betas: [0.5, 0.9] });
const CRITIC_ITERS = 2, LAMBDA = 0.1;

for (let iteration = 0; iteration < 2; iteration++) {
  for (const p of netD.parameters()) p.requiresGrad = true;
  for (let iterD = 0; iterD < CRITIC_ITERS; iterD++) {
    const real = randn(8, 2);
    netD.zeroGrad();
    const dReal = netD.call(real).mean();
    dReal.neg().backward();
    const fake = netG.call(randn(8, 2)).detach();
    const dFake = netD.call(fake).mean();
    dFake.backward();
    const alpha = rand(8, 1);
    const interpolates = real.mul(alpha).add(fake.mul(alpha.neg().add(1)));
    const penalty = netD.call(interpolates).sub(1).pow(2).mean().mul(LAMBDA);
    penalty.backward();
    optimizerD.step();
  }
  for (const p of netD.parameters()) p.requiresGrad = false;
  netG.zeroGrad();
  const g = netD.call(netG.call(randn(8, 2))).mean().neg();
  g.backward();
  optimizerG.step();
}
