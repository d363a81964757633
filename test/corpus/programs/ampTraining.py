# @corpus correct
# The PyTorch mixed-precision recipe's loop (its torch 1.x form): autocast for the forward, GradScaler
# for backward and step, zero_grad() after update(). With CUDA, GradScaler skips opt.step() while the
# gradients overflow (the first iterations: the scale starts at 2**16); without CUDA both are
# disabled and GradScaler.step() is opt.step().
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(31)
use_amp = torch.cuda.is_available()
device = "cuda" if use_amp else "cpu"
model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4)).to(device)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
scaler = torch.cuda.amp.GradScaler(enabled=use_amp)
batches = [(torch.randn(8, 16, device=device), torch.randint(0, 4, (8,), device=device)) for _ in range(4)]
for epoch in range(3):
    for inputs, labels in batches:
        with torch.cuda.amp.autocast(enabled=use_amp):
            loss = F.cross_entropy(model(inputs), labels)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        opt.zero_grad(set_to_none=True)
