# @corpus correct
# @status model.embed. frozen
# @status model.query.base. frozen
# @status model.value.base. frozen
# loraFinetune.ts in PyTorch: frozen pretrained Linear layers with trainable low-rank A, B (B starts at
# zero) added to their output, scaled by alpha / r; the optimizer gets only the parameters that
# require grad.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(51)


class LoRALinear(nn.Module):
    def __init__(self, in_features, out_features, r, alpha):
        super().__init__()
        self.base = nn.Linear(in_features, out_features)
        self.base.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.randn(r, in_features) * 0.01)
        self.lora_B = nn.Parameter(torch.zeros(out_features, r))
        self.scaling = alpha / r
        self.dropout = nn.Dropout(0.05)

    def forward(self, x):
        return self.base(x) + (self.dropout(x) @ self.lora_A.t() @ self.lora_B.t()) * self.scaling


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(12, 16)
        self.query = LoRALinear(16, 16, 4, 8)
        self.value = LoRALinear(16, 16, 4, 8)
        self.head = nn.Linear(16, 3)
        self.embed.requires_grad_(False)

    def forward(self, x):
        h = F.relu(self.embed(x))
        return self.head(torch.tanh(self.query(h)) + self.value(h))


model = Classifier()
optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
model.train()
for step in range(4):
    inputs, labels = torch.randn(6, 12), torch.randint(0, 3, (6,))
    loss = F.cross_entropy(model(inputs), labels)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
