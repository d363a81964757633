// @corpus buggy
// @status targetNet. grad-not-applied
// A twin of dqn.ts whose target values are computed without no_grad (and without detach): the TD
// loss backpropagates into target_net, whose parameters no optimizer holds. PyTorch fills
// target_net's .grad on every step: wasted work, and a sign the target is not treated as a constant.
import { nn, optim, randn, randint, rand, manualSeed } from "gradlens";

manualSeed(19);
const makeNet = () => new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 2));
const policyNet = makeNet();
const targetNet = makeNet();
targetNet.loadStateDict(policyNet.stateDict());
const optimizer = new optim.AdamW(policyNet.parameters(), { lr: 1e-4 }); // @finding GL004
for (let step = 0; step < 2; step++) {
  const stateActionValues = policyNet.call(randn(8, 4)).gather(1, randint(0, 2, [8, 1]));
  const nextStateValues = targetNet.call(randn(8, 4)).max(1).values;
  const expected = nextStateValues.mul(0.99).add(rand(8));
  const loss = new nn.SmoothL1Loss().call(stateActionValues, expected.unsqueeze(1));
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
}
