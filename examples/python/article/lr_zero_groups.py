# The article's param groups with lr 0: model_2 and fc get gradients but never move.
import torch
import torch.nn as nn
import torch.optim as optim


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.model_1 = nn.Linear(2, 2)
        self.model_2 = nn.Linear(2, 2)
        self.fc = nn.Linear(2, 1)

    def forward(self, x):
        return self.fc(self.model_2(self.model_1(x)))


model = Model()
optimizer = optim.SGD([
    {'params': model.model_1.parameters()},
    {'params': model.model_2.parameters(), 'lr': 0},
    {'params': model.fc.parameters(), 'lr': 0}
], lr=1e-2, momentum=0.9)

for _ in range(2):
    optimizer.zero_grad()
    model(torch.randn(3, 2)).sum().backward()
    optimizer.step()
