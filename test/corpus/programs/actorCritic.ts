// @corpus correct
// Follows pytorch/examples reinforcement_learning/actor_critic.py: one network with an action head
// and a value head, an episode of saved (log_prob, value) pairs, returns normalised, advantage
// computed with value.item() (a plain number: no gradient to the critic through it), one summed
// loss. A random environment stands in for CartPole; the action is drawn by hand from the softmax.
import { nn, optim, F, randn, tensor, stack, manualSeed } from "gradlens";

manualSeed(3);
class Policy extends nn.Module {
  affine1 = new nn.Linear(4, 16);
  actionHead = new nn.Linear(16, 2);
  valueHead = new nn.Linear(16, 1);
  forward(x: any) {
    const h = F.relu(this.affine1.call(x));
    return [F.softmax(this.actionHead.call(h), -1), this.valueHead.call(h)];
  }
}
const model = new Policy();
const optimizer = new optim.Adam(model.parameters(), { lr: 3e-2 });
const gamma = 0.99;

for (let episode = 0; episode < 2; episode++) {
  const saved: Array<{ logProb: any; value: any }> = [];
  const rewards: number[] = [];
  for (let t = 0; t < 5; t++) {
    const [probs, value] = model.call(randn(4));
    const p0 = probs.select(0, 0).item();
    const action = Math.random() < p0 ? 0 : 1;
    saved.push({ logProb: probs.select(0, action).log(), value });
    rewards.push(1);
  }
  let R = 0;
  const returns: number[] = [];
  for (const r of [...rewards].reverse()) {
    R = r + gamma * R;
    returns.unshift(R);
  }
  const ret = tensor(returns);
  const normalized = ret.sub(ret.mean()).div(ret.std().add(1e-6));
  const policyLosses: any[] = [];
  const valueLosses: any[] = [];
  saved.forEach(({ logProb, value }, i) => {
    const Ri = normalized.select(0, i);
    const advantage = Ri.sub(value.item());
    policyLosses.push(logProb.neg().mul(advantage));
    valueLosses.push(F.smoothL1Loss(value, Ri.reshape([1])));
  });
  optimizer.zeroGrad();
  const loss = stack(policyLosses).sum().add(stack(valueLosses).sum());
  loss.backward();
  optimizer.step();
}
