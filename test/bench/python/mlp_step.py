# The MLP 784-512-512-10 training step (batch 64) in PyTorch, timed from inside: the median of 20
# steps after 5 warm-up steps. Run plainly and under the GradLens tracer to measure its overhead.
import time

import torch
from torch import nn

torch.manual_seed(0)
torch.set_num_threads(1)
model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
x, y = torch.randn(64, 784), torch.randint(0, 10, (64,))
times = []
for i in range(25):
    start = time.perf_counter()
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    times.append(time.perf_counter() - start)
steady = sorted(times[5:])
print(f"ms_per_step={steady[len(steady) // 2] * 1000:.3f}")
