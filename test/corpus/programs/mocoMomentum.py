# @corpus correct
# mocoMomentum.ts in PyTorch, as MoCo's official code writes it: the key encoder starts as a copy
# (param_k.data.copy_(param_q.data), requires_grad False) and follows the query encoder by a momentum
# update through .data under no_grad (param_k.data.mul_(m).add_(param_q.data, alpha=1 - m)) before
# the keys are computed; InfoNCE over the positive key and a queue of negatives.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(53)


def encoder():
    return nn.Sequential(nn.Linear(12, 24), nn.ReLU(), nn.Linear(24, 8))


encoder_q = encoder()
encoder_k = encoder()
for param_q, param_k in zip(encoder_q.parameters(), encoder_k.parameters()):
    param_k.data.copy_(param_q.data)
    param_k.requires_grad = False
m, T, K, N = 0.999, 0.07, 16, 4
queue = F.normalize(torch.randn(8, K), dim=0)
optimizer = torch.optim.SGD(encoder_q.parameters(), lr=0.03, momentum=0.9, weight_decay=1e-4)

for step in range(3):
    x = torch.randn(N, 12)
    im_q, im_k = x + 0.1 * torch.randn(N, 12), x + 0.1 * torch.randn(N, 12)
    q = F.normalize(encoder_q(im_q), dim=1)
    with torch.no_grad():
        for param_q, param_k in zip(encoder_q.parameters(), encoder_k.parameters()):
            param_k.data.mul_(m).add_(param_q.data, alpha=1 - m)
        k = F.normalize(encoder_k(im_k), dim=1)
    l_pos = torch.einsum("nc,nc->n", [q, k]).unsqueeze(-1)
    l_neg = torch.einsum("nc,ck->nk", [q, queue.clone().detach()])
    logits = torch.cat([l_pos, l_neg], dim=1) / T
    labels = torch.zeros(logits.shape[0], dtype=torch.long)
    loss = F.cross_entropy(logits, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    queue = torch.cat([k.T, queue], dim=1)[:, :K]
