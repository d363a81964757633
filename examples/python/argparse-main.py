# A training script as people write them: argparse options, a main() and the __main__ guard.
# `gradlens check examples/python/argparse-main.py -- --epochs 5 --lr 0.1` passes the options through.
import argparse

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, hidden), nn.ReLU())
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.head(self.body(x))


def train(args):
    torch.manual_seed(0)
    model = Net(args.hidden)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    x, y = torch.randn(32, 4), torch.randn(32, 1)
    for epoch in range(args.epochs):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        print(f"epoch {epoch}: loss {loss.item():.4f} (lr {args.lr}, hidden {args.hidden})")


def main():
    parser = argparse.ArgumentParser(description="train a small regression net")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--hidden", type=int, default=16)
    train(parser.parse_args())


if __name__ == "__main__":
    main()
