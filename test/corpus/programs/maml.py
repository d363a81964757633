# @corpus correct
# maml.ts in PyTorch: second-order MAML on sine regression. The inner step's gradient comes from
# torch.autograd.grad(loss, params, create_graph=True), the fast weights are p - alpha * g, the query
# losses of the fast weights are averaged over the tasks, backward(), and the meta-optimizer steps.
import math
import random

import torch
import torch.nn.functional as F
from torch import nn, optim

torch.manual_seed(13)
random.seed(13)
model = nn.Sequential(nn.Linear(1, 16), nn.ReLU(), nn.Linear(16, 1))
meta_optimizer = optim.Adam(model.parameters(), lr=1e-3)
inner_lr = 0.01


def functional_forward(x, weights):
    h = F.relu(F.linear(x, weights[0], weights[1]))
    return F.linear(h, weights[2], weights[3])


def sample_task():
    amplitude = random.uniform(0.1, 5.0)
    phase = random.uniform(0, math.pi)

    def sample(n):
        x = torch.rand(n, 1) * 10 - 5
        return x, amplitude * torch.sin(x + phase)

    return sample


for iteration in range(3):
    meta_optimizer.zero_grad()
    meta_loss = 0
    for t in range(4):
        task = sample_task()
        xs, ys = task(5)
        xq, yq = task(5)
        params = list(model.parameters())
        support_loss = F.mse_loss(functional_forward(xs, params), ys)
        grads = torch.autograd.grad(support_loss, params, create_graph=True)
        fast_weights = [p - inner_lr * g for p, g in zip(params, grads)]
        meta_loss = meta_loss + F.mse_loss(functional_forward(xq, fast_weights), yq)
    meta_loss = meta_loss / 4
    meta_loss.backward()
    meta_optimizer.step()
