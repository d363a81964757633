"""The training steps of steps.bench.ts in PyTorch, the peer of `npm run bench`'s step rows.

Usage: python3 torch_steps.py --serve
Builds both steps once, prints one JSON line {"torch": version, "blas": "openblas" | other}, then
answers one line per request on stdin until EOF:
  "<mlp|cnn> <threads> <steps>"  ->  {"wall": ms per step, "cpu": CPU ms per step}, sent once the
                                     process is idle again (settle())
  anything else                  ->  {"error": message}
The bench alternates these rounds with its own (test/bench/paired.ts), so both sides run under the
same load; the warm-up is the bench's, by the same rule for both. Same models, batch sizes, data and
optimizer as the GradLens steps. The BLAS torch runs on is whatever libblas.so.3 the dynamic loader
finds (the bench points LD_LIBRARY_PATH at Debian's OpenBLAS); it is reported, not assumed.
"""
import ctypes
import json
import sys
import time

import torch
from torch import nn


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
    # the shared objects mapped into this process (torch links libblas.so.3)
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


def run_round(step, steps):
    """(wall ms, CPU ms) per step over `steps` steps, as a GradLens round in steps.bench.ts."""
    t, c = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    return (time.perf_counter() - t) / steps * 1000, (time.process_time() - c) / steps * 1000


def settle(window_s=0.01, quiet_s=0.001, limit_s=0.5):
    """Returns once this process has used under `quiet_s` of CPU in three windows in a row (or after
    `limit_s`): after a round on 2 threads OpenBLAS's worker spins ~0.1 s, which would take a core from
    the bench's next GradLens round. The bench waits for its own process by the same rule."""
    end, quiet = time.perf_counter() + limit_s, 0
    while quiet < 3 and time.perf_counter() < end:
        c = time.process_time()
        time.sleep(window_s)
        quiet = quiet + 1 if time.process_time() - c < quiet_s else 0


def answer(steps_by_name, threads, line):
    parts = line.split()
    if len(parts) != 3 or parts[0] not in steps_by_name or not parts[1].isdigit() or not parts[2].isdigit():
        return {"error": f"expected '<{'|'.join(steps_by_name)}> <threads> <steps>', got {line!r}"}
    n, steps = int(parts[1]), int(parts[2])
    if n < 1 or steps < 1:
        return {"error": f"threads and steps must be at least 1, got {line!r}"}
    if threads[0] != n:
        set_threads(n)
        threads[0] = n
    wall, cpu = run_round(steps_by_name[parts[0]], steps)
    settle()
    return {"wall": wall, "cpu": cpu}


def serve():
    steps_by_name = {"mlp": mlp_step(), "cnn": cnn_step()}
    threads = [None]
    print(json.dumps({"torch": torch.__version__, "blas": blas_in_use()}), flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(answer(steps_by_name, threads, line.strip())), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] != ["--serve"]:
        sys.exit("usage: torch_steps.py --serve")
    serve()
