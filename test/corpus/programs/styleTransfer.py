# @corpus correct
# @status cnn. frozen
# styleTransfer.ts in PyTorch: the neural style transfer tutorial (neural_style_tutorial.py). A frozen
# feature extractor in eval(), ContentLoss and StyleLoss modules after its convolutions (targets
# detached), and the input image as the one tensor LBFGS optimizes, clamped to [0, 1] under no_grad.
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(12)


def gram_matrix(input):
    a, b, c, d = input.size()
    features = input.view(a * b, c * d)
    G = torch.mm(features, features.t())
    return G.div(a * b * c * d)


class ContentLoss(nn.Module):
    def __init__(self, target):
        super().__init__()
        self.target = target.detach()

    def forward(self, input):
        self.loss = F.mse_loss(input, self.target)
        return input


class StyleLoss(nn.Module):
    def __init__(self, target_feature):
        super().__init__()
        self.target = gram_matrix(target_feature).detach()

    def forward(self, input):
        self.loss = F.mse_loss(gram_matrix(input), self.target)
        return input


cnn = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1), nn.ReLU()).eval()
style_img = torch.rand(1, 3, 8, 8)
content_img = torch.rand(1, 3, 8, 8)

# the tutorial's get_style_model_and_losses: a new Sequential with a loss module after each conv
model = nn.Sequential()
content_losses, style_losses = [], []
for i, layer in enumerate(cnn.children()):
    model.add_module(f"layer_{i}", layer)
    if isinstance(layer, nn.Conv2d):
        style_loss = StyleLoss(model(style_img))
        model.add_module(f"style_loss_{i}", style_loss)
        style_losses.append(style_loss)
        if i == 2:
            content_loss = ContentLoss(model(content_img))
            model.add_module(f"content_loss_{i}", content_loss)
            content_losses.append(content_loss)

input_img = content_img.clone()
input_img.requires_grad_(True)
model.eval()
model.requires_grad_(False)
optimizer = optim.LBFGS([input_img])
style_weight, content_weight = 1e6, 1
for run in range(2):

    def closure():
        with torch.no_grad():
            input_img.clamp_(0, 1)
        optimizer.zero_grad()
        model(input_img)
        style_score = sum(sl.loss for sl in style_losses)
        content_score = sum(cl.loss for cl in content_losses)
        loss = style_score * style_weight + content_score * content_weight
        loss.backward()
        return style_score + content_score

    optimizer.step(closure)
with torch.no_grad():
    input_img.clamp_(0, 1)
