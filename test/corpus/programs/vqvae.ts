// @corpus correct
// Follows the usual VQ-VAE training code (e.g. the vector-quantizer of zalandoresearch/pytorch-vq-vae):
// codebook loss ‖sg[z] − e‖², commitment loss β‖z − sg[e]‖², and the straight-through estimator
// quantized = z + (quantized − z).detach(), so the decoder's gradient is copied to the encoder.
import { nn, optim, F, randn, manualSeed } from "gradlens";

manualSeed(8);
class VQVAE extends nn.Module {
  encoder = new nn.Sequential(new nn.Linear(12, 16), new nn.ReLU(), new nn.Linear(16, 4));
  codebook = new nn.Embedding(8, 4);
  decoder = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 12));
  forward(x: any) {
    const z = this.encoder.call(x);
    const w = this.codebook.weight;
    const dist = z.pow(2).sum(1, true).sub(z.matmul(w.t()).mul(2)).add(w.pow(2).sum(1));
    const idx = dist.argmin(1);
    const quantized = this.codebook.call(idx);
    const codebookLoss = F.mseLoss(quantized, z.detach());
    const commitmentLoss = F.mseLoss(z, quantized.detach());
    const st = z.add(quantized.sub(z).detach());
    return [this.decoder.call(st), codebookLoss.add(commitmentLoss.mul(0.25))];
  }
}
const model = new VQVAE();
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
for (let i = 0; i < 3; i++) {
  const x = randn(6, 12);
  optimizer.zeroGrad();
  const [recon, vqLoss] = model.call(x);
  const loss = F.mseLoss(recon, x).add(vqLoss);
  loss.backward();
  optimizer.step();
}
