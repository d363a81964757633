// @corpus buggy
// @status head. grad-not-applied
// An autoencoder-with-head where the optimizer is built from the encoder only (a twin of
// autoencoder.ts with the classifier head forgotten): head gets a gradient nothing applies.
import { nn, optim, F, randn, randint, manualSeed } from "gradlens";

manualSeed(16);
const encoder = new nn.Sequential(new nn.Linear(8, 8), new nn.ReLU());
const head = new nn.Linear(8, 3);
const optimizer = new optim.Adam(encoder.parameters(), { lr: 1e-3 }); // @finding GL004
for (let i = 0; i < 2; i++) {
  optimizer.zeroGrad();
  const loss = F.crossEntropy(head.call(encoder.call(randn(4, 8))), randint(0, 3, [4]));
  loss.backward();
  optimizer.step();
}
