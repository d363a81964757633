# @corpus correct
# byolEma.ts in PyTorch: BYOL's online network (encoder, projector, predictor) trained by Adam, and a
# target network with requires_grad False that follows it by an exponential moving average written
# under no_grad after every step (mul_(m).add_(online, alpha=1 - m)).
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(31)


def mlp(in_dim, hidden, out):
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Linear(hidden, out))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(10, 16), nn.ReLU())
        self.projector = mlp(16, 16, 8)

    def forward(self, x):
        return self.projector(self.backbone(x))


online = Encoder()
predictor = mlp(8, 16, 8)
target = Encoder()
target.load_state_dict(online.state_dict())
for p in target.parameters():
    p.requires_grad_(False)


def regression_loss(p, z):
    return (2 - 2 * (F.normalize(p, dim=1) * F.normalize(z, dim=1)).sum(dim=1)).mean()


optimizer = torch.optim.Adam(list(online.parameters()) + list(predictor.parameters()), lr=3e-4)
base_momentum, total_steps = 0.99, 4
for step in range(total_steps):
    x = torch.randn(6, 10)
    view1, view2 = x + 0.1 * torch.randn(6, 10), x + 0.1 * torch.randn(6, 10)
    p1, p2 = predictor(online(view1)), predictor(online(view2))
    with torch.no_grad():
        z1, z2 = target(view1), target(view2)
    loss = regression_loss(p1, z2) + regression_loss(p2, z1)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    m = 1 - (1 - base_momentum) * (math.cos(math.pi * step / total_steps) + 1) / 2
    with torch.no_grad():
        for pt, po in zip(target.parameters(), online.parameters()):
            pt.mul_(m).add_(po, alpha=1 - m)
