// @corpus correct
// Follows huggingface/transformers examples/pytorch/text-classification/run_glue_no_trainer.py:
// two param groups (weight decay except for biases and LayerNorm weights), AdamW, a linear
// schedule with warm-up (get_linear_schedule_with_warmup, written as LambdaLR: lr 0 at step 1),
// and the loop loss.backward(); optimizer.step(); lr_scheduler.step(); optimizer.zero_grad().
// Stand-in: a one-layer encoder with a pooler and classifier for BERT.
import { nn, optim, F, randint, manualSeed } from "gradlens";

manualSeed(12);
class TinyBert extends nn.Module {
  embeddings = new nn.Embedding(30, 8);
  LayerNorm = new nn.LayerNorm(8);
  dense = new nn.Linear(8, 8);
  pooler = new nn.Linear(8, 8);
  classifier = new nn.Linear(8, 2);
  forward(inputIds: any) {
    const h = this.dense.call(this.LayerNorm.call(this.embeddings.call(inputIds))).relu();
    return this.classifier.call(this.pooler.call(h.mean(1)).tanh());
  }
}
const model = new TinyBert();
const noDecay = ["bias", "LayerNorm.weight"];
const named = [...model.namedParameters()];
const optimizerGroupedParameters = [
  { params: named.filter(([n]) => !noDecay.some((nd) => n.includes(nd))).map(([, p]) => p), weightDecay: 0.01 },
  { params: named.filter(([n]) => noDecay.some((nd) => n.includes(nd))).map(([, p]) => p), weightDecay: 0 },
];
const optimizer = new optim.AdamW(optimizerGroupedParameters, { lr: 2e-5 });
const numWarmupSteps = 2, numTrainingSteps = 6;
const lrScheduler = new optim.LambdaLR(optimizer, (step: number) =>
  step < numWarmupSteps ? step / numWarmupSteps : Math.max(0, (numTrainingSteps - step) / (numTrainingSteps - numWarmupSteps)),
);
model.train();
for (let step = 0; step < numTrainingSteps; step++) {
  const inputIds = randint(0, 30, [4, 5]), labels = randint(0, 2, [4]);
  const loss = F.crossEntropy(model.call(inputIds), labels);
  loss.backward();
  optimizer.step();
  lrScheduler.step();
  optimizer.zeroGrad();
}
