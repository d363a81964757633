# The article's optimizer subset: the SGD is built from fc's and model2's parameters only, so
# model1 receives gradients on every backward but step() never updates it.
from torch import nn, optim, randn, manual_seed

manual_seed(0)
model1 = nn.Linear(2, 2)
model2 = nn.Linear(2, 2)
fc = nn.Linear(2, 1)
opt = optim.SGD(list(fc.parameters()) + list(model2.parameters()), lr=1e-2, momentum=0.9)
x = randn(3, 2)
before = model1.weight.tolist()

for step in range(3):
    opt.zero_grad()
    out = fc(model2(model1(x)))
    loss = out.sum()
    loss.backward()
    opt.step()

print(f"model1.weight.grad: {'None' if model1.weight.grad is None else 'set'}")
print(f"model1 unchanged: {model1.weight.tolist() == before}")
