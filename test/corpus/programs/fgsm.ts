// @corpus correct
// @status model. grad-not-applied
// Follows the PyTorch FGSM tutorial (fgsm_tutorial.py): a trained classifier in eval(), no optimizer;
// the input image requires grad, the loss's gradient with respect to it gives the perturbation
// eps * sign(grad), and the perturbed image is classified again. The input is not a trained weight.
import { nn, F, rand, randint, manualSeed } from "gradlens";

manualSeed(11);
class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3);
  fc = new nn.Linear(4 * 6 * 6, 10);
  forward(x: any) {
    const h = F.maxPool2d(F.relu(this.conv1.call(x)), 2);
    return F.logSoftmax(this.fc.call(h.flatten(1)), 1);
  }
}
const model = new Net();
model.eval();

function fgsmAttack(image: any, epsilon: number, dataGrad: any) {
  const perturbed = image.add(dataGrad.sign().mul(epsilon));
  return perturbed.clamp(0, 1);
}

let fooled = 0;
for (const epsilon of [0, 0.05, 0.1]) {
  const data = rand(1, 1, 14, 14);
  const target = randint(0, 10, [1]);
  data.requiresGrad = true;
  const output = model.call(data);
  const initPred = output.argmax(1);
  const loss = F.nllLoss(output, target);
  model.zeroGrad();
  loss.backward();
  const perturbed = fgsmAttack(data, epsilon, data.grad);
  const finalPred = model.call(perturbed).argmax(1);
  if (initPred.item() === target.item() && finalPred.item() !== target.item()) fooled++;
}
console.log("adversarial examples that fooled the model:", fooled);
