# The article's chain of four Linear layers with lin1 run inside no_grad: nothing before the no_grad
# region can receive a gradient (lin0 and lin1 stay None); lin2 and lin3 train normally.
from torch import nn, optim, randn, no_grad, manual_seed

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
    with no_grad(): x2 = lin1(x1)
    x3 = lin2(x2)
    x4 = lin3(x3)
    loss = x4.sum()
    loss.backward()
    opt.step()

for name, lin in layers.items():
    print(f"{name}.weight.grad: {'None' if lin.weight.grad is None else 'set'}")
