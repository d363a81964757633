# @corpus correct
# vqvae.ts in PyTorch: the vector quantizer of zalandoresearch/pytorch-vq-vae: codebook loss
# ‖sg[z] − e‖², commitment loss β‖z − sg[e]‖², and the straight-through estimator
# quantized = z + (quantized − z).detach(), which copies the decoder's gradient to the encoder.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(8)


class VQVAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, 4))
        self.codebook = nn.Embedding(8, 4)
        self.decoder = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 12))

    def forward(self, x):
        z = self.encoder(x)
        w = self.codebook.weight
        distances = z.pow(2).sum(1, keepdim=True) - 2 * z @ w.t() + w.pow(2).sum(1)
        indices = distances.argmin(1)
        quantized = self.codebook(indices)
        codebook_loss = F.mse_loss(quantized, z.detach())
        commitment_loss = F.mse_loss(z, quantized.detach())
        quantized = z + (quantized - z).detach()
        return self.decoder(quantized), codebook_loss + 0.25 * commitment_loss


model = VQVAE()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for i in range(3):
    x = torch.randn(6, 12)
    optimizer.zero_grad()
    recon, vq_loss = model(x)
    loss = F.mse_loss(recon, x) + vq_loss
    loss.backward()
    optimizer.step()
