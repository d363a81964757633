// @corpus correct
// Follows pytorch/examples word_language_model/main.py: an embedding, a recurrent layer and a tied
// decoder; truncated BPTT that detaches the hidden state between batches (repackage_hidden);
// model.zero_grad(); clip_grad_norm_; and the hand-written SGD update
// `p.data.add_(p.grad!, alpha=-lr)`. Stand-in: the engine has no nn.RNN/LSTM yet, so a tanh RNN cell
// is written from two Linear layers (same flow: the hidden state carries gradient through time).
import { nn, F, zeros, randint, manualSeed } from "gradlens";

manualSeed(4);
class RNNModel extends nn.Module {
  encoder = new nn.Embedding(20, 8);
  ih = new nn.Linear(8, 8);
  hh = new nn.Linear(8, 8);
  decoder = new nn.Linear(8, 20);
  forward(input: any, hidden: any) {
    const emb = this.encoder.call(input);
    const outputs: any[] = [];
    for (let t = 0; t < input.shape[0]; t++) {
      hidden = this.ih.call(emb.select(0, t)).add(this.hh.call(hidden)).tanh();
      outputs.push(hidden);
    }
    const out = outputs.reduce((acc, h) => acc.add(h));
    return [F.logSoftmax(this.decoder.call(out), -1), hidden];
  }
}
const model = new RNNModel();
const lr = 20;
let hidden = zeros(2, 8);
for (let batch = 0; batch < 3; batch++) {
  const data = randint(0, 20, [4, 2]);
  const targets = randint(0, 20, [2]);
  hidden = hidden.detach(); // repackage_hidden: truncated BPTT
  model.zeroGrad();
  const [output, h] = model.call(data, hidden);
  hidden = h;
  const loss = F.nllLoss(output, targets);
  loss.backward();
  nn.utils.clipGradNorm_(model.parameters(), 0.25);
  for (const p of model.parameters()) p.data.add_(p.grad!, { alpha: -lr });
}
