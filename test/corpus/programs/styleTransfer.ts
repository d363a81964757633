// @corpus correct
// @status cnn. frozen
// Follows the PyTorch neural style transfer tutorial (neural_style_tutorial.py): a frozen feature
// extractor in eval(), ContentLoss and StyleLoss modules inserted after its layers (their targets
// detached: fixed numbers, not graph), and the input image as the one tensor LBFGS optimizes; the
// image is clamped to [0, 1] under noGrad around each evaluation.
import { nn, optim, rand, noGrad, manualSeed } from "gradlens";

manualSeed(12);
function gramMatrix(input: any) {
  const [a, b, c, d] = input.shape;
  const features = input.view(a * b, c * d);
  return features.mm(features.t()).div(a * b * c * d);
}
class ContentLoss extends nn.Module {
  target: any;
  loss: any = null;
  constructor(target: any) {
    super();
    this.target = target.detach();
  }
  forward(input: any) {
    this.loss = nn.functional.mseLoss(input, this.target);
    return input;
  }
}
class StyleLoss extends nn.Module {
  target: any;
  loss: any = null;
  constructor(targetFeature: any) {
    super();
    this.target = gramMatrix(targetFeature).detach();
  }
  forward(input: any) {
    this.loss = nn.functional.mseLoss(gramMatrix(input), this.target);
    return input;
  }
}

const cnn = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.Conv2d(4, 4, 3, { padding: 1 }), new nn.ReLU());
cnn.eval();
const styleImg = rand(1, 3, 8, 8);
const contentImg = rand(1, 3, 8, 8);

// the tutorial's get_style_model_and_losses: a new Sequential with a loss module after each conv
const model = new nn.Sequential();
const contentLosses: ContentLoss[] = [];
const styleLosses: StyleLoss[] = [];
let i = 0;
for (const layer of cnn.children()) {
  model.addModule(`layer_${i}`, layer);
  if (layer instanceof nn.Conv2d) {
    const styleLoss = new StyleLoss(model.call(styleImg));
    model.addModule(`style_loss_${i}`, styleLoss);
    styleLosses.push(styleLoss);
    if (i === 2) {
      const contentLoss = new ContentLoss(model.call(contentImg));
      model.addModule(`content_loss_${i}`, contentLoss);
      contentLosses.push(contentLoss);
    }
  }
  i++;
}

const inputImg = contentImg.clone();
inputImg.requiresGrad_(true);
model.eval();
model.requiresGrad_(false);
const optimizer = new optim.LBFGS([inputImg]);
const styleWeight = 1e6;
const contentWeight = 1;
for (let run = 0; run < 2; run++) {
  optimizer.step(() => {
    noGrad(() => inputImg.clamp_(0, 1));
    optimizer.zeroGrad();
    model.call(inputImg);
    let styleScore: any = 0;
    let contentScore: any = 0;
    for (const sl of styleLosses) styleScore = sl.loss.add(styleScore);
    for (const cl of contentLosses) contentScore = cl.loss.add(contentScore);
    const loss = styleScore.mul(styleWeight).add(contentScore.mul(contentWeight));
    loss.backward();
    return loss;
  });
}
noGrad(() => inputImg.clamp_(0, 1));
