// @corpus correct
// Follows pytorch/examples reinforcement_learning/reinforce.py: a Policy (affine1, dropout, affine2,
// softmax), select_action samples from Categorical(probs) and saves log_prob; finish_episode
// discounts the rewards (γ), normalises the returns (with eps), sums −log_prob·R and steps Adam.
// A random environment stands in for CartPole.
import { nn, optim, F, distributions, randn, rand, tensor, cat, manualSeed, type Tensor } from "gradlens";

manualSeed(12);
class Policy extends nn.Module {
  affine1 = new nn.Linear(4, 16);
  dropout = new nn.Dropout(0.6);
  affine2 = new nn.Linear(16, 2);
  savedLogProbs: Tensor[] = [];
  rewards: number[] = [];
  forward(x: Tensor) {
    const h = this.dropout.call(this.affine1.call(x)).relu();
    return F.softmax(this.affine2.call(h), 1);
  }
}
const policy = new Policy();
const optimizer = new optim.Adam(policy.parameters(), { lr: 1e-2 });
const eps = 1.1920928955078125e-7, gamma = 0.99;

function selectAction(state: Tensor): number {
  const probs = policy.call(state.unsqueeze(0));
  const m = new distributions.Categorical({ probs });
  const action = m.sample();
  policy.savedLogProbs.push(m.logProb(action));
  return action.item();
}

function finishEpisode() {
  let R = 0;
  const returns: number[] = [];
  for (const r of [...policy.rewards].reverse()) {
    R = r + gamma * R;
    returns.unshift(R);
  }
  let ret = tensor(returns);
  ret = ret.sub(ret.mean()).div(ret.std().add(eps));
  const policyLoss = policy.savedLogProbs.map((logProb, i) => logProb.neg().mul(ret.select(0, i)));
  optimizer.zeroGrad();
  cat(policyLoss).sum().backward();
  optimizer.step();
  policy.rewards = [];
  policy.savedLogProbs = [];
}

for (let episode = 0; episode < 3; episode++) {
  let state = randn(4);
  for (let t = 0; t < 5; t++) {
    selectAction(state);
    state = randn(4);
    policy.rewards.push(rand(1).item());
  }
  finishEpisode();
}
