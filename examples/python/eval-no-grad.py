# Evaluation done right: after each training step the model is switched to eval() (Dropout off,
# BatchNorm uses its running stats) and run inside no_grad, so evaluation records no graph, leaves
# the gradients alone and does not move the running stats; train() switches back.
from torch import nn, optim, randn, randint, no_grad, manual_seed; import torch.nn.functional as F

manual_seed(0)
model = nn.Sequential(
    nn.Linear(4, 16),
    nn.BatchNorm1d(16),
    nn.ReLU(),
    nn.Dropout(0.2),
    nn.Linear(16, 3),
)
opt = optim.Adam(model.parameters(), lr=0.01)
x_train, y_train = randn(32, 4), randint(0, 3, [32])
x_val, y_val = randn(16, 4), randint(0, 3, [16])

for step in range(3):
    model.train()
    opt.zero_grad()
    loss = F.cross_entropy(model(x_train), y_train)
    loss.backward()
    opt.step()

    model.eval()
    with no_grad(): val_loss = F.cross_entropy(model(x_val), y_val)
    print(f"step {step}: train loss {loss.item():.4f}, val loss {val_loss.item():.4f}, val requires_grad {val_loss.requires_grad}")
