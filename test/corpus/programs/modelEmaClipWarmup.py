# @corpus correct
# modelEmaClipWarmup.ts in PyTorch: a timm-style ModelEma (a copy with requires_grad False, lerp_ of
# its weights towards the model's under no_grad after every step, evaluated only), clip_grad_norm_
# before the step, and a LinearLR warm-up followed by cosine decay (SequentialLR).
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(41)


def make_model():
    return nn.Sequential(nn.Linear(10, 24), nn.BatchNorm1d(24), nn.ReLU(), nn.Dropout(0.1), nn.Linear(24, 4))


class ModelEma:
    def __init__(self, model, decay):
        self.ema = make_model()
        self.ema.load_state_dict(model.state_dict())
        self.ema.eval()
        self.decay = decay
        for p in self.ema.parameters():
            p.requires_grad_(False)

    def update(self, model):
        with torch.no_grad():
            for e, m in zip(self.ema.parameters(), model.parameters()):
                e.lerp_(m, 1 - self.decay)
            for b, mb in zip(self.ema.buffers(), model.buffers()):
                b.copy_(mb)


model = make_model()
model_ema = ModelEma(model, 0.998)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4, nesterov=True)
warmup_steps, total_steps = 2, 6
scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [
    torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=warmup_steps),
    torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, total_steps - warmup_steps),
], milestones=[warmup_steps])
for step in range(total_steps):
    model.train()
    inputs, targets = torch.randn(8, 10), torch.randint(0, 4, (8,))
    loss = F.cross_entropy(model(inputs), targets, label_smoothing=0.1)
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    scheduler.step()
    model_ema.update(model)
    if step % 3 == 2:
        with torch.no_grad():
            accuracy = (model_ema.ema(torch.randn(8, 10)).argmax(1) == targets).float().mean()
