// @corpus correct
// targetNet gets no gradient (used under noGrad only) and is updated by hand: the soft update's loadStateDict
// Follows the PyTorch DQN tutorial (reinforcement_q_learning.py): policy_net and target_net of the
// same class, target_net.load_state_dict(policy_net.state_dict()), next-state values computed with
// target_net under no_grad, SmoothL1Loss, AdamW, clip_grad_value_, and the soft update
// θ′ ← τθ + (1−τ)θ′ written through state dicts. A random replay batch stands in for the memory.
import { nn, optim, noGrad, randn, randint, rand, manualSeed } from "gradlens";

manualSeed(6);
class DQN extends nn.Module {
  layer1 = new nn.Linear(4, 16);
  layer2 = new nn.Linear(16, 16);
  layer3 = new nn.Linear(16, 2);
  forward(x: any) {
    return this.layer3.call(this.layer2.call(this.layer1.call(x).relu()).relu());
  }
}
const policyNet = new DQN();
const targetNet = new DQN();
targetNet.loadStateDict(policyNet.stateDict());
const optimizer = new optim.AdamW(policyNet.parameters(), { lr: 1e-4, amsgrad: true });
const GAMMA = 0.99, TAU = 0.005;

for (let step = 0; step < 3; step++) {
  const stateBatch = randn(8, 4);
  const actionBatch = randint(0, 2, [8, 1]);
  const rewardBatch = rand(8);
  const stateActionValues = policyNet.call(stateBatch).gather(1, actionBatch);
  const nextStateValues = noGrad(() => targetNet.call(randn(8, 4)).max(1).values);
  const expected = nextStateValues.mul(GAMMA).add(rewardBatch);
  const criterion = new nn.SmoothL1Loss();
  const loss = criterion.call(stateActionValues, expected.unsqueeze(1));
  optimizer.zeroGrad();
  loss.backward();
  nn.utils.clipGradValue_(policyNet.parameters(), 100);
  optimizer.step();
  // soft update of the target network's weights
  const targetState = targetNet.stateDict();
  const policyState = policyNet.stateDict();
  for (const key of Object.keys(policyState)) {
    targetState[key] = policyState[key].mul(TAU).add(targetState[key].mul(1 - TAU));
  }
  targetNet.loadStateDict(targetState);
}
