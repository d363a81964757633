# Every iteration keeps a new 256 MB tensor and the loop has no end: memory grows until the
# check's --memory limit stops it.
import torch

kept = []
while True:
    kept.append(torch.ones(64, 1024, 1024))
