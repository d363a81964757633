"""The training steps of steps.bench.ts in PyTorch, for `npm run bench`'s PyTorch column.

Usage: python3 torch_steps.py [--threads N]... prints one JSON object:
  {"torch": version, "blas": "openblas" | other, "mlp": {threads: ms}, "cnn": {threads: ms},
   "mlp_cpu": {threads: CPU ms}, "cnn_cpu": {threads: CPU ms}}
Same models, batch sizes and optimizer as the GradLens steps; the median of rounds after a warm-up,
as timeStep() in steps.bench.ts. The BLAS torch runs on is whatever libblas.so.3 the dynamic loader
finds (the bench points LD_LIBRARY_PATH at Debian's OpenBLAS); it is reported, not assumed.
"""
import ctypes
import json
import statistics
import sys
import time

import torch
from torch import nn


def time_step(step, warmup, rounds, per_round, budget_s=6.0):
    """(median wall ms, median CPU ms) per step, as timeStepWithCpu() in steps.bench.ts."""
    for _ in range(warmup):
        step()
    times, cpu = [], []
    start = time.perf_counter()
    for _ in range(rounds):
        t, c = time.perf_counter(), time.process_time()
        for _ in range(per_round):
            step()
        cpu.append((time.process_time() - c) / per_round * 1000)
        times.append((time.perf_counter() - t) / per_round * 1000)
        if time.perf_counter() - start > budget_s and len(times) >= 3:
            break
    return statistics.median_low(times), statistics.median_low(cpu)


def make_step(model, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    return step


def mlp_step():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    return make_step(model, torch.randn(64, 784), torch.randint(0, 10, (64,)))


def cnn_step():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(32 * 32 * 32, 10),
    )
    return make_step(model, torch.randn(32, 3, 32, 32), torch.randint(0, 10, (32,)))


def blas_in_use():
    # the shared objects mapped into this process after torch ran a matmul
    with open("/proc/self/maps") as f:
        maps = f.read()
    for name in ("openblas", "mkl", "blis"):
        if name in maps:
            return name
    return "reference" if "libblas.so" in maps else "unknown"


def set_threads(n):
    torch.set_num_threads(n)
    # torch built against a generic BLAS does not pass its thread count on to OpenBLAS
    try:
        ctypes.CDLL("libopenblas.so.0").openblas_set_num_threads(n)
    except (OSError, AttributeError):
        pass


def main():
    threads = [int(a) for a in sys.argv[sys.argv.index("--threads") + 1:]] if "--threads" in sys.argv else [1]
    out = {"torch": torch.__version__, "mlp": {}, "cnn": {}, "mlp_cpu": {}, "cnn_cpu": {}}
    for n in threads:
        set_threads(n)
        out["mlp"][n], out["mlp_cpu"][n] = time_step(mlp_step(), 10, 15, 5)
        out["cnn"][n], out["cnn_cpu"][n] = time_step(cnn_step(), 3, 9, 2)
    out["blas"] = blas_in_use()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
