// The check-time benchmark's Transformer: a 2-layer nn.TransformerEncoder (d_model 128, 4 heads,
// feed-forward 512, GELU, batch-first) over token embeddings with a linear classifier, as a small text
// classification script writes it; batch 16 of 32 tokens, AdamW. The check stops after the first step.
import { nn, optim, randint, manualSeed, type Tensor } from "gradlens";

manualSeed(0);
const vocab = 1000, dModel = 128, seqLen = 32, batch = 16, classes = 4;

class TextClassifier extends nn.Module {
  embedding = new nn.Embedding(vocab, dModel);
  encoder = new nn.TransformerEncoder(
    new nn.TransformerEncoderLayer(dModel, 4, { dimFeedforward: 512, dropout: 0.1, activation: "gelu", batchFirst: true }),
    2,
  );
  head = new nn.Linear(dModel, classes);
  forward(tokens: Tensor): Tensor {
    const h = this.encoder.call(this.embedding.call(tokens));
    return this.head.call(h.mean(1));
  }
}

const model = new TextClassifier();
const criterion = new nn.CrossEntropyLoss();
const optimizer = new optim.AdamW(model.parameters(), { lr: 3e-4 });
model.train();
for (let step = 0; step < 10; step++) {
  const tokens = randint(0, vocab, [batch, seqLen]), labels = randint(0, classes, [batch]);
  optimizer.zeroGrad();
  const loss = criterion.call(model.call(tokens), labels);
  loss.backward();
  optimizer.step();
}
