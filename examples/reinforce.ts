// REINFORCE on a 4-armed bandit: the policy's logits give a Categorical, the loss is
// −logProb(action)·(reward − baseline); every policy parameter gets a gradient and is updated.
import { nn, optim, distributions, randn, tensor, manualSeed, noGrad } from "gradlens";

manualSeed(0);
const policy = new nn.Sequential(new nn.Linear(3, 16), new nn.ReLU(), new nn.Linear(16, 4));
const opt = new optim.Adam(policy.parameters(), { lr: 1e-2 });
const payout = tensor([0.1, 0.5, 0.9, 0.3]);
let baseline = 0;

for (let episode = 0; episode < 20; episode++) {
  const state = randn(8, 3);
  const dist = new distributions.Categorical({ logits: policy.forward(state) });
  const actions = dist.sample();
  const rewards = noGrad(() => payout.indexSelect(0, actions));
  const advantage = rewards.sub(baseline);
  const loss = dist.logProb(actions).mul(advantage).mean().neg().sub(dist.entropy().mean().mul(0.01));
  opt.zeroGrad();
  loss.backward();
  opt.step();
  baseline = 0.9 * baseline + 0.1 * rewards.mean().item();
}
console.log(`baseline reward ${baseline.toFixed(3)}`);
