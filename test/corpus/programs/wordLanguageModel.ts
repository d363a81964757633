// @corpus correct
// Follows pytorch/examples word_language_model (model.py RNNModel, main.py train()): an embedding, a
// two-layer nn.LSTM with dropout and a decoder tied to the embedding (tie_weights); truncated BPTT that
// detaches the hidden state between batches (repackage_hidden); model.zero_grad(); clip_grad_norm_;
// and the hand-written SGD update `p.data.add_(p.grad, alpha=-lr)`.
import { nn, F, Tensor, zeros, randint, manualSeed } from "gradlens";

manualSeed(4);
const ntokens = 20, emsize = 8, nhid = 8, nlayers = 2;
class RNNModel extends nn.Module {
  drop = new nn.Dropout(0.2);
  encoder = new nn.Embedding(ntokens, emsize);
  rnn = new nn.LSTM(emsize, nhid, { numLayers: nlayers, dropout: 0.2 });
  decoder = new nn.Linear(nhid, ntokens);
  constructor() {
    super();
    this.decoder.weight = this.encoder.weight; // tie_weights
  }
  forward(input: Tensor, hidden: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const emb = this.drop.call(this.encoder.call(input));
    const [output, h] = this.rnn.call(emb, hidden);
    const decoded = this.decoder.call(this.drop.call(output)).view(-1, ntokens);
    return [F.logSoftmax(decoded, 1), h];
  }
  initHidden(bsz: number): [Tensor, Tensor] {
    return [zeros(nlayers, bsz, nhid), zeros(nlayers, bsz, nhid)];
  }
}
const repackageHidden = (h: [Tensor, Tensor]): [Tensor, Tensor] => [h[0].detach(), h[1].detach()];

const model = new RNNModel();
const criterion = new nn.NLLLoss();
const lr = 20, bptt = 5, batchSize = 2;
model.train();
let hidden = model.initHidden(batchSize);
for (let batch = 0; batch < 3; batch++) {
  const data = randint(0, ntokens, [bptt, batchSize]);
  const targets = randint(0, ntokens, [bptt * batchSize]);
  model.zeroGrad();
  hidden = repackageHidden(hidden); // truncated BPTT
  const [output, h] = model.call(data, hidden);
  hidden = h;
  const loss = criterion.call(output, targets);
  loss.backward();
  nn.utils.clipGradNorm_(model.parameters(), 0.25);
  for (const p of model.parameters()) p.data.add_(p.grad!, { alpha: -lr });
}
