// A word-level LSTM language model with truncated backpropagation through time: the hidden state is
// carried between batches but detached, so each backward stops at the batch boundary (on purpose).
import { nn, optim, F, randint, manualSeed, type Tensor } from "gradlens";

manualSeed(0);
const vocab = 50, emb = 16, hidden = 32, bptt = 8, batch = 4;

class LanguageModel extends nn.Module {
  encoder = new nn.Embedding(vocab, emb);
  rnn = new nn.LSTM(emb, hidden, { numLayers: 2, dropout: 0.2 });
  drop = new nn.Dropout(0.2);
  decoder = new nn.Linear(hidden, vocab);

  forward(tokens: Tensor, state: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const [out, next] = this.rnn.forward(this.drop.forward(this.encoder.forward(tokens)), state);
    return [this.decoder.forward(this.drop.forward(out)), next];
  }
}

const model = new LanguageModel();
const opt = new optim.SGD(model.parameters(), { lr: 0.5 });
const corpus = randint(0, vocab, [bptt * 6 + 1, batch]);
let state: [Tensor, Tensor] | null = null;

for (let i = 0; i + bptt < corpus.shape[0]; i += bptt) {
  const input = corpus.narrow(0, i, bptt), target = corpus.narrow(0, i + 1, bptt);
  // truncated BPTT: keep the values of the hidden state, cut its history
  if (state !== null) state = [state[0].detach(), state[1].detach()];
  const [logits, next] = model.forward(input, state);
  state = next;
  const loss = F.crossEntropy(logits.reshape([-1, vocab]), target.reshape([-1]));
  opt.zeroGrad();
  loss.backward();
  nn.utils.clipGradNorm_(model.parameters(), 0.25);
  opt.step();
  console.log(`batch ${i / bptt}: loss ${loss.item().toFixed(3)}`);
}
