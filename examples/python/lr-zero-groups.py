# The article's param groups: model2 and fc sit in groups with lr 0, so although every parameter
# gets a gradient and is in the optimizer, only model1 changes.
from torch import nn, optim, randn, manual_seed

manual_seed(0)
model1 = nn.Linear(2, 2)
model2 = nn.Linear(2, 2)
fc = nn.Linear(2, 1)
opt = optim.SGD(
    [
        {"params": model1.parameters()},
        {"params": model2.parameters(), "lr": 0},
        {"params": fc.parameters(), "lr": 0},
    ],
    lr=1e-2, momentum=0.9,
)
x = randn(3, 2)
before = {"model1": model1.weight.tolist(), "model2": model2.weight.tolist(), "fc": fc.weight.tolist()}

for step in range(3):
    opt.zero_grad()
    loss = fc(model2(model1(x))).sum()
    loss.backward()
    opt.step()

after = {"model1": model1.weight.tolist(), "model2": model2.weight.tolist(), "fc": fc.weight.tolist()}
for name in ("model1", "model2", "fc"):
    print(f"{name} changed: {after[name] != before[name]}")
