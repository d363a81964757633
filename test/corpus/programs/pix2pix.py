# @corpus correct
# pix2pix.ts in PyTorch: junyanz/pytorch-CycleGAN-and-pix2pix (models/pix2pix_model.py)
# optimize_parameters(): set_requires_grad(netD, True), D's zero_grad/backward_D (fake_AB.detach())/step,
# then set_requires_grad(netD, False) for G's zero_grad/backward_G (GAN loss + λ·L1)/step: D is frozen
# only for the generator's step and stays trained by its own optimizer.
import torch
import torch.nn as nn

torch.manual_seed(11)


def set_requires_grad(nets, requires_grad=False):
    for net in nets:
        for param in net.parameters():
            param.requires_grad = requires_grad


netG = nn.Sequential(nn.Linear(6, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 6), nn.Tanh())
netD = nn.Sequential(nn.Linear(12, 16), nn.BatchNorm1d(16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
optimizer_G = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizer_D = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
criterionGAN = nn.BCEWithLogitsLoss()
criterionL1 = nn.L1Loss()

for i in range(2):
    real_A, real_B = torch.randn(4, 6), torch.randn(4, 6)
    fake_B = netG(real_A)
    # update D
    set_requires_grad([netD], True)
    optimizer_D.zero_grad()
    pred_fake = netD(torch.cat((real_A, fake_B), 1).detach())
    loss_D_fake = criterionGAN(pred_fake, torch.zeros(4, 1))
    pred_real = netD(torch.cat((real_A, real_B), 1))
    loss_D_real = criterionGAN(pred_real, torch.ones(4, 1))
    loss_D = (loss_D_fake + loss_D_real) * 0.5
    loss_D.backward()
    optimizer_D.step()
    # update G
    set_requires_grad([netD], False)
    optimizer_G.zero_grad()
    loss_G_GAN = criterionGAN(netD(torch.cat((real_A, fake_B), 1)), torch.ones(4, 1))
    loss_G_L1 = criterionL1(fake_B, real_B) * 100
    loss_G = loss_G_GAN + loss_G_L1
    loss_G.backward()
    optimizer_G.step()
