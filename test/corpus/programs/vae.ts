// @corpus correct
// Follows pytorch/examples vae/main.py: an encoder to mu and logvar, the reparameterisation
// z = mu + eps * exp(0.5 * logvar) with eps drawn fresh (no gradient of its own), a sigmoid
// decoder, and the loss BCE(recon, x, sum) + KL divergence; Adam over everything.
import { nn, optim, F, rand, randnLike, manualSeed } from "gradlens";

manualSeed(16);
class VAE extends nn.Module {
  fc1 = new nn.Linear(20, 16);
  fc21 = new nn.Linear(16, 4);
  fc22 = new nn.Linear(16, 4);
  fc3 = new nn.Linear(4, 16);
  fc4 = new nn.Linear(16, 20);
  encode(x: any) {
    const h1 = F.relu(this.fc1.call(x));
    return [this.fc21.call(h1), this.fc22.call(h1)];
  }
  reparameterize(mu: any, logvar: any) {
    const std = logvar.mul(0.5).exp();
    const eps = randnLike(std);
    return mu.add(eps.mul(std));
  }
  decode(z: any) {
    return this.fc4.call(F.relu(this.fc3.call(z))).sigmoid();
  }
  forward(x: any) {
    const [mu, logvar] = this.encode(x.view(-1, 20));
    const z = this.reparameterize(mu, logvar);
    return [this.decode(z), mu, logvar];
  }
}

function lossFunction(reconX: any, x: any, mu: any, logvar: any) {
  const BCE = F.binaryCrossEntropy(reconX, x.view(-1, 20), { reduction: "sum" });
  // KL(q(z|x) || N(0, I)) = -0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
  const KLD = logvar.add(1).sub(mu.pow(2)).sub(logvar.exp()).sum().mul(-0.5);
  return BCE.add(KLD);
}

const model = new VAE();
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
model.train();
for (let batchIdx = 0; batchIdx < 3; batchIdx++) {
  const data = rand(8, 20);
  optimizer.zeroGrad();
  const [reconBatch, mu, logvar] = model.call(data);
  const loss = lossFunction(reconBatch, data, mu, logvar);
  loss.backward();
  optimizer.step();
}
