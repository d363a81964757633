# The article's side branch with detach(): only w sends gradient to x, x.grad is 48.
import torch

x = torch.tensor(([1.0]), requires_grad=True)
y = x**2
z = 2*y
w = z**3

# detach it, so the gradient w.r.t `p` does not effect `z`!
p = z.detach()
q = torch.tensor(([2.0]), requires_grad=True)
pq = p*q
pq.backward(retain_graph=True)
w.backward()
print(x.grad)
