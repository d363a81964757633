# The article's side branch without detach(): pq and w both send gradient to x, x.grad is 56.
import torch

x = torch.tensor(([1.0]), requires_grad=True)
y = x**2
z = 2*y
w = z**3

# This is the subpath
# Do not use detach()
p = z
q = torch.tensor(([2.0]), requires_grad=True)
pq = p*q
pq.backward(retain_graph=True)

w.backward()
print(x.grad)
