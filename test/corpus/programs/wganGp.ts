// @corpus correct
// @status interpolates grad-not-applied
// Follows caogang/wgan-gp (gan_toy.py) and the WGAN-GP paper's Algorithm 1: per critic iteration
// the critic's parameters get requires_grad = True again, netD.zero_grad(), D_real.backward(mone),
// D_fake.backward(one) on a detached fake, then calc_gradient_penalty: interpolates that require grad,
// autograd.grad(disc_interpolates, interpolates, create_graph=True), ((‖∇‖₂ − 1)²).mean() · λ,
// gradient_penalty.backward(), optimizerD.step(); then the critic is frozen (requires_grad = False)
// for the generator step. The critic uses Tanh where gan_toy uses ReLU: a smooth critic gives the
// penalty a nonzero gradient at the interpolates (ReLU's is exactly zero there), so their row is
// `grad-not-applied` (they are inputs, in no optimizer) whatever the second derivative of ReLU.
import { nn, optim, autograd, ones, randn, rand, manualSeed, type Tensor } from "gradlens";

manualSeed(10);
const DIM = 16, LAMBDA = 0.1, CRITIC_ITERS = 2;
const netG = new nn.Sequential(new nn.Linear(2, DIM), new nn.ReLU(), new nn.Linear(DIM, 2));
const netD = new nn.Sequential(new nn.Linear(2, DIM), new nn.Tanh(), new nn.Linear(DIM, DIM), new nn.Tanh(), new nn.Linear(DIM, 1));
const optimizerD = new optim.Adam(netD.parameters(), { lr: 1e-4, betas: [0.5, 0.9] });
const optimizerG = new optim.Adam(netG.parameters(), { lr: 1e-4, betas: [0.5, 0.9] });

function calcGradientPenalty(realData: Tensor, fakeData: Tensor): Tensor {
  const alpha = rand(realData.shape[0], 1).expand(...realData.shape);
  const interpolates = alpha.mul(realData).add(alpha.neg().add(1).mul(fakeData)).requiresGrad_(true);
  const discInterpolates = netD.call(interpolates);
  const [gradients] = autograd.grad(discInterpolates, interpolates, {
    gradOutputs: ones(...discInterpolates.shape), createGraph: true, retainGraph: true,
  });
  return gradients!.norm(2, 1).sub(1).pow(2).mean().mul(LAMBDA);
}

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
    const gradientPenalty = calcGradientPenalty(real, fake);
    gradientPenalty.backward();
    optimizerD.step();
  }
  for (const p of netD.parameters()) p.requiresGrad = false;
  netG.zeroGrad();
  const g = netD.call(netG.call(randn(8, 2))).mean().neg();
  g.backward();
  optimizerG.step();
}
