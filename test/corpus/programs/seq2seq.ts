// @corpus correct
// Follows the PyTorch seq2seq translation tutorial (seq2seq_translation_tutorial.py, the decoder
// without attention): a GRU encoder and a GRU decoder with an optimizer each, teacher forcing chosen
// at random per batch; without it the decoder's own prediction is fed back with
// `topi.squeeze().detach()` (an index: nothing to differentiate), and both optimizers step.
import { nn, optim, F, cat, rand, randint, zeros, int64, manualSeed } from "gradlens";

manualSeed(18);
const SOS = 0;
const [inputVocab, outputVocab, hidden, maxLength, batch] = [12, 10, 16, 5, 4];

class EncoderRNN extends nn.Module {
  embedding = new nn.Embedding(inputVocab, hidden);
  gru = new nn.GRU(hidden, hidden, { batchFirst: true });
  dropout = new nn.Dropout(0.1);
  forward(input: any) {
    const embedded = this.dropout.call(this.embedding.call(input));
    return this.gru.call(embedded);
  }
}
class DecoderRNN extends nn.Module {
  embedding = new nn.Embedding(outputVocab, hidden);
  gru = new nn.GRU(hidden, hidden, { batchFirst: true });
  out = new nn.Linear(hidden, outputVocab);
  forwardStep(input: any, h: any) {
    const output = F.relu(this.embedding.call(input));
    const [o, hNext] = this.gru.call(output, h);
    return [this.out.call(o), hNext];
  }
  forward(encoderHidden: any, target: any | null) {
    let decoderInput = zeros([batch, 1], { dtype: int64 }).add(SOS);
    let h = encoderHidden;
    const outputs: any[] = [];
    for (let i = 0; i < maxLength; i++) {
      const [out, hNext] = this.forwardStep(decoderInput, h);
      h = hNext;
      outputs.push(out);
      if (target !== null) {
        decoderInput = target.narrow(1, i, 1); // teacher forcing: the next input is the target
      } else {
        const { indices: topi } = out.topk(1);
        decoderInput = topi.squeeze(-1).detach(); // its own prediction, as an index
      }
    }
    return F.logSoftmax(cat(outputs, 1), -1);
  }
}

const encoder = new EncoderRNN();
const decoder = new DecoderRNN();
const encoderOptimizer = new optim.Adam(encoder.parameters(), { lr: 0.001 });
const decoderOptimizer = new optim.Adam(decoder.parameters(), { lr: 0.001 });
const criterion = new nn.NLLLoss();
const teacherForcingRatio = 0.5;

for (let epoch = 0; epoch < 4; epoch++) {
  const inputTensor = randint(1, inputVocab, [batch, 6]);
  const targetTensor = randint(1, outputVocab, [batch, maxLength]);
  encoderOptimizer.zeroGrad();
  decoderOptimizer.zeroGrad();
  const [, encoderHidden] = encoder.call(inputTensor);
  // the tutorial's random.random(), drawn from the seeded generator so every run takes the same path
  const useTeacherForcing = rand(1).item() < teacherForcingRatio;
  const decoderOutputs = decoder.call(encoderHidden, useTeacherForcing ? targetTensor : null);
  console.log(useTeacherForcing ? "teacher forcing" : "its own predictions");
  const loss = criterion.call(decoderOutputs.view(-1, outputVocab), targetTensor.view(-1));
  loss.backward();
  encoderOptimizer.step();
  decoderOptimizer.step();
}
