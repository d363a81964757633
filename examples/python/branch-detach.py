# The article's first example: z feeds w = z³ and, through a side branch p, a second loss p·q.
# Both backward() calls add into x.grad. Without a detach the side branch reaches x as well, so
# x.grad is 56 instead of w's 48; with p = z.detach() only w's gradient reaches x: 48.
import torch

# p = z: both losses send gradient to x (GradLens warns: two backward() calls accumulate into x)
x = torch.tensor([1.0], requires_grad=True)
y = x.pow(2)
z = y.mul(2)
w = z.pow(3)
p = z
q = torch.tensor([2.0], requires_grad=True)
pq = p.mul(q)
pq.backward(retain_graph=True)
w.backward()
print(f"p = z          -> x.grad = {x.grad.item()}")  # 56

# p = z.detach(): the side branch is cut, x gets only w's gradient
x2 = torch.tensor([1.0], requires_grad=True)
z2 = x2.pow(2).mul(2)
w2 = z2.pow(3)
p2 = z2.detach()
q2 = torch.tensor([2.0], requires_grad=True)
p2.mul(q2).backward()
w2.backward()
print(f"p = z.detach() -> x.grad = {x2.grad.item()}")  # 48
