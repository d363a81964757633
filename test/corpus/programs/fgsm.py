# @corpus correct
# @status model. grad-not-applied
# fgsm.ts in PyTorch: the FGSM tutorial (fgsm_tutorial.py). A classifier in eval(), no optimizer; the
# input image requires grad, its gradient's sign gives the perturbation, the perturbed image is
# classified again. The input is not a trained weight, and the model is not trained here.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.fc = nn.Linear(4 * 6 * 6, 10)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        return F.log_softmax(self.fc(torch.flatten(h, 1)), dim=1)


def fgsm_attack(image, epsilon, data_grad):
    perturbed_image = image + epsilon * data_grad.sign()
    return torch.clamp(perturbed_image, 0, 1)


model = Net()
model.eval()
fooled = 0
for epsilon in [0, 0.05, 0.1]:
    data = torch.rand(1, 1, 14, 14)
    target = torch.randint(0, 10, (1,))
    data.requires_grad = True
    output = model(data)
    init_pred = output.max(1, keepdim=True)[1]
    loss = F.nll_loss(output, target)
    model.zero_grad()
    loss.backward()
    data_grad = data.grad.data
    perturbed_data = fgsm_attack(data, epsilon, data_grad)
    final_pred = model(perturbed_data).max(1, keepdim=True)[1]
    if init_pred.item() == target.item() and final_pred.item() != target.item():
        fooled += 1
print("adversarial examples that fooled the model:", fooled)
