# @corpus buggy
# buggyAccumulationZeroGrad.ts in PyTorch: zero_grad() inside the micro-batch loop, before
# backward(), so each step applies only the last micro-batch's gradient.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(21)
model = nn.Sequential(nn.Linear(12, 16), nn.GELU(), nn.Linear(16, 3))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
accum_steps = 4
model.train()
for i in range(10):
    inputs, labels = torch.randn(2, 12), torch.randint(0, 3, (2,))
    loss = F.cross_entropy(model(inputs), labels) / accum_steps
    optimizer.zero_grad()  # @finding GL002
    loss.backward()
    if (i + 1) % accum_steps == 0:
        optimizer.step()
