# Fine-tuning with a frozen pretrained backbone: the convolutional feature extractor is frozen with
# requires_grad_(False) and kept in eval mode, and the optimizer only holds the classifier head's
# parameters; only the head gets gradients and changes.
from torch import nn, optim, randn, randint, manual_seed

manual_seed(0)
backbone = nn.Sequential(
    nn.Conv2d(1, 4, 3, padding=1),
    nn.BatchNorm2d(4),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(4, 8, 3, padding=1),
    nn.ReLU(),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
)
head = nn.Linear(8, 3)
backbone.requires_grad_(False)
backbone.eval()
opt = optim.SGD(head.parameters(), lr=0.1, momentum=0.9)
images, labels = randn(8, 1, 8, 8), randint(0, 3, [8])
F = nn.functional
for step in range(3):
    opt.zero_grad()
    features = backbone(images)
    loss = F.cross_entropy(head(features), labels)
    loss.backward()
    opt.step()
    print(f"step {step}: loss {loss.item():.4f}")

backbone_grads = len([p for p in backbone.parameters() if p.grad is not None])
print(f"backbone params with grads: {backbone_grads}, head.weight.grad: {'None' if head.weight.grad is None else 'set'}")
