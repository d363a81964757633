# @corpus correct
# ppo.ts in PyTorch, after CleanRL's ppo.py: a rollout under no_grad keeps the old policy's log-probs
# and values; then several epochs of shuffled minibatches with the clipped ratio objective, a value
# loss, an entropy bonus, clip_grad_norm_ and a step per minibatch. Random observations and rewards
# stand in for the environment.
import torch
import torch.nn as nn
import torch.optim as optim
from torch.distributions.categorical import Categorical

torch.manual_seed(14)


class Agent(nn.Module):
    def __init__(self):
        super().__init__()
        self.critic = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
        self.actor = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 2))

    def get_value(self, x):
        return self.critic(x)

    def get_action_and_value(self, x, action=None):
        logits = self.actor(x)
        probs = Categorical(logits=logits)
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action), probs.entropy(), self.critic(x)


agent = Agent()
optimizer = optim.Adam(agent.parameters(), lr=2.5e-4, eps=1e-5)
num_steps, minibatch_size = 16, 8
gamma, clip_coef, ent_coef, vf_coef, max_grad_norm = 0.99, 0.2, 0.01, 0.5, 0.5

for update in range(2):
    obs = torch.zeros(num_steps, 4)
    actions = torch.zeros(num_steps, dtype=torch.long)
    logprobs = torch.zeros(num_steps)
    values = torch.zeros(num_steps)
    rewards = torch.rand(num_steps)
    for step in range(num_steps):
        o = torch.randn(4)
        obs[step] = o
        with torch.no_grad():
            action, logprob, _, value = agent.get_action_and_value(o)
            values[step] = value.flatten()
        actions[step] = action
        logprobs[step] = logprob
    # discounted returns (the rollout ends the episode: no bootstrap)
    with torch.no_grad():
        returns = torch.zeros_like(rewards)
        running = 0.0
        for t in reversed(range(num_steps)):
            running = rewards[t] + gamma * running
            returns[t] = running
        advantages = returns - values

    for epoch in range(2):
        b_inds = torch.randperm(num_steps)
        for start in range(0, num_steps, minibatch_size):
            mb_inds = b_inds[start:start + minibatch_size]
            _, newlogprob, entropy, newvalue = agent.get_action_and_value(obs[mb_inds], actions[mb_inds])
            logratio = newlogprob - logprobs[mb_inds]
            ratio = logratio.exp()
            mb_advantages = advantages[mb_inds]
            mb_advantages = (mb_advantages - mb_advantages.mean()) / (mb_advantages.std() + 1e-8)
            pg_loss1 = -mb_advantages * ratio
            pg_loss2 = -mb_advantages * torch.clamp(ratio, 1 - clip_coef, 1 + clip_coef)
            pg_loss = torch.max(pg_loss1, pg_loss2).mean()
            v_loss = 0.5 * ((newvalue.view(-1) - returns[mb_inds]) ** 2).mean()
            entropy_loss = entropy.mean()
            loss = pg_loss - ent_coef * entropy_loss + v_loss * vf_coef
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(agent.parameters(), max_grad_norm)
            optimizer.step()
