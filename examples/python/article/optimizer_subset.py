# The article's optimizer over a subset: model_1 is left out of opt_list, so it gets gradients
# that no optimizer applies.
import torch
import torch.nn as nn


class model(nn.Module):
    def __init__(self):
        super().__init__()
        self.model_1 = nn.Linear(2, 2)
        self.model_2 = nn.Linear(2, 2)
        self.fc = nn.Linear(2, 1)

    def forward(self, x):
        return self.fc(self.model_2(self.model_1(x)))


curr_model = model()
opt_list = list(curr_model.fc.parameters())+list(curr_model.model_2.parameters())
optimizer = torch.optim.SGD(opt_list, lr=1e-4)

for _ in range(2):
    optimizer.zero_grad()
    curr_model(torch.randn(3, 2)).sum().backward()
    optimizer.step()
