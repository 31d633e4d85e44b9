"""Prints torch's float32 GFLOP/s on a 1000^3 matrix product (about 1 s):
compare.sh uses it to pick the OpenBLAS kernel that suits this CPU."""
import time

import torch

a, b = torch.randn(1000, 1000), torch.randn(1000, 1000)
for _ in range(3):
    a @ b
n, start = 0, time.perf_counter()
while time.perf_counter() - start < 1:
    a @ b
    n += 1
print(f"{2e9 * n / (time.perf_counter() - start) / 1e9:.1f}")
