# The article's chain of four Linear layers with lin2 frozen (requires_grad_(False)): gradients
# still flow *through* lin2 to lin0 and lin1, but lin2's own weight and bias get none.
from torch import nn, optim, randn, manual_seed

manual_seed(0)
lin0 = nn.Linear(2, 2)
lin1 = nn.Linear(2, 2)
lin2 = nn.Linear(2, 2)
lin3 = nn.Linear(2, 2)
lin2.requires_grad_(False)
layers = {"lin0": lin0, "lin1": lin1, "lin2": lin2, "lin3": lin3}
params = [p for lin in (lin0, lin1, lin2, lin3) for p in lin.parameters()]
opt = optim.SGD(params, lr=0.01)
x = randn(2, 2, requires_grad=True)

for step in range(3):
    opt.zero_grad()
    x1 = lin0(x)
    x2 = lin1(x1)
    x3 = lin2(x2)
    x4 = lin3(x3)
    loss = x4.sum()
    loss.backward()
    opt.step()

for name, lin in layers.items():
    print(f"{name}.weight.grad: {'None' if lin.weight.grad is None else 'set'}")
