# A loop waiting for a condition that never comes: the prediction is compared against an
# impossible target and the loop has no other exit. The check stops it at the time limit.
from torch import randn, no_grad

w = randn(16, 16)
x = randn(8, 16)

error = float("inf")
while error > -1:
    with no_grad(): error = x.matmul(w).tanh().sub(1).abs().mean().item()
print("never printed", error)
