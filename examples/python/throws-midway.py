# A file that fails halfway: the second layer's weight has the wrong shape, so the matmul throws.
# The check reports torch's error at the line of the matmul and keeps what ran before it.
from torch import randn

x = randn(4, 3)
w1 = randn(3, 5, requires_grad=True)
w2 = randn(6, 2, requires_grad=True)

h = x.matmul(w1).relu()
print("hidden layer done")
out = h.matmul(w2)
out.sum().backward()
