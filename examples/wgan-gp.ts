// WGAN-GP (Gulrajani et al., Algorithm 1): the critic's loss is D(fake) − D(real) plus λ·(‖∇ₓD(x̂)‖ − 1)²
// at random interpolates x̂; the gradient ∇ₓD(x̂) comes from autograd.grad with createGraph, so the
// penalty itself is differentiated into the critic's parameters. The generator trains every nCritic steps.
import { nn, optim, autograd, randn, rand, onesLike, manualSeed, type Tensor } from "gradlens";

manualSeed(0);
const nz = 4, dim = 2, batch = 16, lambdaGp = 10, nCritic = 5;
const G = new nn.Sequential(new nn.Linear(nz, 32), new nn.ReLU(), new nn.Linear(32, dim));
const D = new nn.Sequential(new nn.Linear(dim, 32), new nn.LeakyReLU(0.2), new nn.Linear(32, 32), new nn.LeakyReLU(0.2), new nn.Linear(32, 1));
const optD = new optim.Adam(D.parameters(), { lr: 1e-4, betas: [0.0, 0.9] });
const optG = new optim.Adam(G.parameters(), { lr: 1e-4, betas: [0.0, 0.9] });

function gradientPenalty(real: Tensor, fake: Tensor): Tensor {
  const alpha = rand(batch, 1);
  const xHat = real.mul(alpha).add(fake.mul(alpha.neg().add(1))).requiresGrad_(true);
  const score = D.forward(xHat);
  const [grad] = autograd.grad([score], [xHat], { gradOutputs: [onesLike(score)], createGraph: true, retainGraph: true });
  return grad!.norm(2, 1).sub(1).pow(2).mean().mul(lambdaGp);
}

for (let step = 0; step < 10; step++) {
  const real = randn(batch, dim).mul(0.5).add(2);
  const fake = G.forward(randn(batch, nz));
  optD.zeroGrad();
  const lossD = D.forward(fake.detach()).mean().sub(D.forward(real).mean()).add(gradientPenalty(real, fake.detach()));
  lossD.backward();
  optD.step();
  if (step % nCritic === nCritic - 1) {
    optG.zeroGrad();
    const lossG = D.forward(G.forward(randn(batch, nz))).mean().neg();
    lossG.backward();
    optG.step();
    console.log(`step ${step}: critic loss ${lossD.item().toFixed(4)}, generator loss ${lossG.item().toFixed(4)}`);
  }
}
