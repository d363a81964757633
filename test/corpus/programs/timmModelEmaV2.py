# @corpus correct
# timmModelEmaV2.ts in PyTorch, with timm's ModelEmaV2 as timm writes it (timm/utils/model_ema.py): a
# deepcopy of the model whose parameters keep requires_grad and get no gradient, written after every
# step through state_dict() values (detached tensors sharing the parameters' memory) under no_grad.
from copy import deepcopy

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(47)


class ModelEmaV2(nn.Module):
    def __init__(self, model, decay=0.9999):
        super().__init__()
        self.module = deepcopy(model)
        self.module.eval()
        self.decay = decay

    def _update(self, model, update_fn):
        with torch.no_grad():
            for ema_v, model_v in zip(self.module.state_dict().values(), model.state_dict().values()):
                ema_v.copy_(update_fn(ema_v, model_v))

    def update(self, model):
        self._update(model, update_fn=lambda e, m: self.decay * e + (1. - self.decay) * m)

    def forward(self, x):
        return self.module(x)


model = nn.Sequential(nn.Linear(10, 24), nn.BatchNorm1d(24), nn.ReLU(), nn.Linear(24, 4))
model_ema = ModelEmaV2(model, 0.998)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
for step in range(4):
    model.train()
    inputs, targets = torch.randn(8, 10), torch.randint(0, 4, (8,))
    loss = F.cross_entropy(model(inputs), targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    model_ema.update(model)
    with torch.no_grad():
        accuracy = (model_ema(torch.randn(8, 10)).argmax(1) == targets).float().mean()
