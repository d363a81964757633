# A file that does not parse: the check reports the error at its line and column and runs nothing.
from torch import randn

w = randn(3, requires_grad=True)
loss = w.mul(2).sum(
loss.backward()
