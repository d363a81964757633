# A buggy GAN step: the D step uses fake without detach(), so lossD.backward() also writes
# gradients into G; and G's gradients are never cleared (no optG.zero_grad()), so optG.step()
# updates G with D's gradient added to its own.
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

    # D step: BUG, no detach — the gradient of D's loss flows into G
    optD.zero_grad()
    fake = G(z)
    lossD = criterion(D(real), valid).add(criterion(D(fake), fake_label))
    lossD.backward()
    optD.step()

    # G step: BUG, optG.zero_grad() is missing — G's grads still hold D's contribution
    fake2 = G(z)
    lossG = criterion(D(fake2), valid)
    lossG.backward()
    optG.step()

    print(f"step {step}: lossD {lossD.item():.4f}, lossG {lossG.item():.4f}")
