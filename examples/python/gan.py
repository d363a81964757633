# A GAN step done right: the D step trains on fake.detach() (no gradient reaches G), then both
# gradients are cleared and the G step backpropagates through D into G; only optG updates G.
from torch import nn, optim, randn, ones, zeros, manual_seed

manual_seed(0)
G = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
D = nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
optG = optim.Adam(G.parameters(), lr=1e-3)
optD = optim.Adam(D.parameters(), lr=1e-3)
criterion = nn.BCEWithLogitsLoss()
real = randn(16, 2).add(2)
valid, fake_label = ones(16, 1), zeros(16, 1)

for step in range(3):
    z = randn(16, 2)
    fake = G(z)

    # D step: fake.detach() keeps D's loss out of G
    optD.zero_grad()
    lossD = criterion(D(real), valid).add(criterion(D(fake.detach()), fake_label))
    lossD.backward()
    optD.step()

    # G step: clear G's grads, backprop through D into G, update G only
    optG.zero_grad()
    lossG = criterion(D(fake), valid)
    lossG.backward()
    optG.step()

    print(f"step {step}: lossD {lossD.item():.4f}, lossG {lossG.item():.4f}")
