// @corpus buggy
// @status model.encoder. cut
// A twin of vqvae.ts without the straight-through estimator and without the commitment loss: the
// decoder reads the codebook vectors picked by argmin (not differentiable), so no gradient ever
// reaches the encoder, which the optimizer holds. PyTorch leaves encoder.*.grad None. The only path
// from the loss to the encoder is the codebook term's z.detach(): GL001 names it.
import { nn, optim, F, randn, manualSeed } from "gradlens";

manualSeed(18);
class VQVAE extends nn.Module {
  encoder = new nn.Sequential(new nn.Linear(12, 16), new nn.ReLU(), new nn.Linear(16, 4));
  codebook = new nn.Embedding(8, 4);
  decoder = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 12));
  forward(x: any) {
    const z = this.encoder.call(x);
    const w = this.codebook.weight;
    const idx = z.pow(2).sum(1, true).sub(z.matmul(w.t()).mul(2)).add(w.pow(2).sum(1)).argmin(1);
    const quantized = this.codebook.call(idx);
    return [this.decoder.call(quantized), F.mseLoss(quantized, z.detach())]; // @finding GL001
  }
}
const model = new VQVAE();
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
for (let i = 0; i < 2; i++) {
  const x = randn(6, 12);
  optimizer.zeroGrad();
  const [recon, codebookLoss] = model.call(x);
  F.mseLoss(recon, x).add(codebookLoss).backward();
  optimizer.step();
}
