# The article's chain of four Linear layers with x2 = x2.detach() after lin1: the detach cuts the
# graph, so lin0 and lin1 never get gradients (and SGD never updates them); lin2 and lin3 train.
from torch import nn, optim, randn, manual_seed

manual_seed(0)
lin0 = nn.Linear(2, 2)
lin1 = nn.Linear(2, 2)
lin2 = nn.Linear(2, 2)
lin3 = nn.Linear(2, 2)
layers = {"lin0": lin0, "lin1": lin1, "lin2": lin2, "lin3": lin3}
params = [p for lin in (lin0, lin1, lin2, lin3) for p in lin.parameters()]
opt = optim.SGD(params, lr=0.01)
x = randn(2, 2, requires_grad=True)

for step in range(3):
    opt.zero_grad()
    x1 = lin0(x)
    x2 = lin1(x1)
    x2 = x2.detach()
    x3 = lin2(x2)
    x4 = lin3(x3)
    loss = x4.sum()
    loss.backward()
    opt.step()

for name, lin in layers.items():
    print(f"{name}.weight.grad: {'None' if lin.weight.grad is None else 'set'}")
