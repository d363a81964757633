// @corpus correct
// The fine-tuning idiom of gradient accumulation (as in the Hugging Face and timm training loops):
// each micro-batch's loss is divided by accumSteps and backpropagated at once; every accumSteps-th
// micro-batch the optimizer steps on the summed gradient and zeroGrad() clears it for the next window.
import { nn, optim, F, randn, randint, manualSeed } from "gradlens";

manualSeed(21);
const model = new nn.Sequential(new nn.Linear(12, 16), new nn.GELU(), new nn.Dropout(0.1), new nn.Linear(16, 3));
const optimizer = new optim.AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.01 });
const accumSteps = 4;
model.train();
optimizer.zeroGrad();
for (let i = 0; i < 10; i++) {
  const inputs = randn(2, 12), labels = randint(0, 3, [2]);
  const loss = F.crossEntropy(model.call(inputs), labels).div(accumSteps);
  loss.backward();
  if ((i + 1) % accumSteps === 0) {
    optimizer.step();
    optimizer.zeroGrad();
  }
}
