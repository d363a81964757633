// @corpus correct
// A PPO update in the style of the common single-file implementations (CleanRL's ppo.py, the
// "PPO-PyTorch" repositories): a rollout collected under noGrad with the old policy's log-probs and
// values, advantages normalised per minibatch, the clipped ratio objective, a value loss, an entropy
// bonus, several epochs of shuffled minibatches, gradient-norm clipping before each step.
import { nn, optim, distributions, tensor, randn, rand, randperm, noGrad, stack, manualSeed } from "gradlens";

manualSeed(14);
class Agent extends nn.Module {
  critic = new nn.Sequential(new nn.Linear(4, 16), new nn.Tanh(), new nn.Linear(16, 1));
  actor = new nn.Sequential(new nn.Linear(4, 16), new nn.Tanh(), new nn.Linear(16, 2));
  getValue(x: any) {
    return this.critic.call(x);
  }
  getActionAndValue(x: any, action?: any) {
    const logits = this.actor.call(x);
    const probs = new distributions.Categorical({ logits });
    const a = action ?? probs.sample();
    return [a, probs.logProb(a), probs.entropy(), this.critic.call(x)];
  }
}
const agent = new Agent();
const optimizer = new optim.Adam(agent.parameters(), { lr: 2.5e-4, eps: 1e-5 });
const numSteps = 16;
const [gamma, clipCoef, entCoef, vfCoef, maxGradNorm] = [0.99, 0.2, 0.01, 0.5, 0.5];

for (let update = 0; update < 2; update++) {
  // rollout: the old policy acts; nothing here is differentiated
  const obs: any[] = [];
  const actions: any[] = [];
  const logprobs: any[] = [];
  const values: any[] = [];
  const rewards: number[] = [];
  noGrad(() => {
    for (let step = 0; step < numSteps; step++) {
      const o = randn(4);
      const [action, logprob, , value] = agent.getActionAndValue(o);
      obs.push(o);
      actions.push(action);
      logprobs.push(logprob);
      values.push(value.flatten());
      rewards.push(rand(1).item());
    }
  });
  // discounted returns and advantages (no bootstrapping: the rollout ends the episode)
  const returnsArr: number[] = new Array(numSteps);
  let running = 0;
  for (let t = numSteps - 1; t >= 0; t--) {
    running = rewards[t] + gamma * running;
    returnsArr[t] = running;
  }
  const bObs = stack(obs);
  const bActions = stack(actions);
  const bLogprobs = stack(logprobs);
  const bValues = stack(values).flatten();
  const bReturns = tensor(returnsArr);
  const bAdvantages = bReturns.sub(bValues);

  for (let epoch = 0; epoch < 2; epoch++) {
    const perm = randperm(numSteps);
    for (let start = 0; start < numSteps; start += 8) {
      const mb = perm.narrow(0, start, 8);
      const [, newLogprob, entropy, newValue] = agent.getActionAndValue(bObs.indexSelect(0, mb), bActions.indexSelect(0, mb));
      const ratio = newLogprob.sub(bLogprobs.indexSelect(0, mb)).exp();
      let mbAdv = bAdvantages.indexSelect(0, mb);
      mbAdv = mbAdv.sub(mbAdv.mean()).div(mbAdv.std().add(1e-8));
      const pgLoss1 = mbAdv.neg().mul(ratio);
      const pgLoss2 = mbAdv.neg().mul(ratio.clamp(1 - clipCoef, 1 + clipCoef));
      const pgLoss = pgLoss1.maximum(pgLoss2).mean();
      const vLoss = newValue.flatten().sub(bReturns.indexSelect(0, mb)).pow(2).mean().mul(0.5);
      const loss = pgLoss.sub(entropy.mean().mul(entCoef)).add(vLoss.mul(vfCoef));
      optimizer.zeroGrad();
      loss.backward();
      nn.utils.clipGradNorm_(agent.parameters(), maxGradNorm);
      optimizer.step();
    }
  }
}
