# @corpus correct
# target_net gets no gradient (used under no_grad only) and is updated by hand: the soft update's load_state_dict
# dqn.ts in PyTorch: the DQN tutorial (reinforcement_q_learning.py): target_net loaded from
# policy_net's state dict, next-state values under no_grad, SmoothL1Loss, AdamW(amsgrad), gradient
# value clipping, and the soft update of target_net through state dicts. Random batches stand in for
# the replay memory.
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(6)


class DQN(nn.Module):
    def __init__(self, n_observations, n_actions):
        super().__init__()
        self.layer1 = nn.Linear(n_observations, 16)
        self.layer2 = nn.Linear(16, 16)
        self.layer3 = nn.Linear(16, n_actions)

    def forward(self, x):
        x = F.relu(self.layer1(x))
        x = F.relu(self.layer2(x))
        return self.layer3(x)


policy_net = DQN(4, 2)
target_net = DQN(4, 2)
target_net.load_state_dict(policy_net.state_dict())
optimizer = optim.AdamW(policy_net.parameters(), lr=1e-4, amsgrad=True)
GAMMA, TAU = 0.99, 0.005

for step in range(3):
    state_batch = torch.randn(8, 4)
    action_batch = torch.randint(0, 2, (8, 1))
    reward_batch = torch.rand(8)
    state_action_values = policy_net(state_batch).gather(1, action_batch)
    with torch.no_grad():
        next_state_values = target_net(torch.randn(8, 4)).max(1).values
    expected_state_action_values = (next_state_values * GAMMA) + reward_batch
    criterion = nn.SmoothL1Loss()
    loss = criterion(state_action_values, expected_state_action_values.unsqueeze(1))
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_value_(policy_net.parameters(), 100)
    optimizer.step()
    # soft update of the target network's weights: θ′ ← τ θ + (1 − τ) θ′
    target_net_state_dict = target_net.state_dict()
    policy_net_state_dict = policy_net.state_dict()
    for key in policy_net_state_dict:
        target_net_state_dict[key] = policy_net_state_dict[key] * TAU + target_net_state_dict[key] * (1 - TAU)
    target_net.load_state_dict(target_net_state_dict)
