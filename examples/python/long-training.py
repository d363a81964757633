# A small regression MLP trained for 10,000 epochs. `gradlens check` does not wait for them: it
# stops before the second optimizer step, once one full training iteration has been traced.
from torch import manual_seed, nn, optim, randn

manual_seed(0)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 32); self.act = nn.ReLU(); self.fc2 = nn.Linear(32, 1)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


model = MLP()
opt = optim.SGD(model.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
x = randn(64, 8)
y = randn(64, 1)

for epoch in range(10_000):
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    if epoch % 1000 == 0: print(f"epoch {epoch}: loss {loss.item():.4f}")
