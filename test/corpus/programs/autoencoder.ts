// @corpus correct
// A plain autoencoder as in the common PyTorch tutorials (encoder/decoder Sequentials, MSE
// reconstruction loss, Adam, zero_grad/backward/step).
import { nn, optim, randn, manualSeed } from "gradlens";

manualSeed(13);
class AutoEncoder extends nn.Module {
  encoder = new nn.Sequential(new nn.Linear(16, 8), new nn.ReLU(), new nn.Linear(8, 3));
  decoder = new nn.Sequential(new nn.Linear(3, 8), new nn.ReLU(), new nn.Linear(8, 16), new nn.Sigmoid());
  forward(x: any) {
    return this.decoder.call(this.encoder.call(x));
  }
}
const model = new AutoEncoder();
const criterion = new nn.MSELoss();
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3, weightDecay: 1e-5 });
for (let epoch = 0; epoch < 3; epoch++) {
  const img = randn(4, 16).sigmoid();
  const output = model.call(img);
  const loss = criterion.call(output, img);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
}
