"""Times LAPACK (numpy's eigvalsh, through the system's LAPACK: OpenBLAS when
libopenblas0-pthread is installed) on the Jacobian statistic's eigenproblem,
D (W W^T) D of order n with W Glorot uniform and D the tanh derivative at
Gaussian pre-activations, as nn's BenchmarkJacobian builds it. Prints one line
per order: n, seconds per float64 solve, seconds per float32 solve (the
median of up to 5 solves, fewer when one takes over 2 s).
    python3 benchmarks/jacobian_lapack.py 500 1000 2048
With --snapshot N instead, prints the seconds of the Jacobian part of one
step-0 snapshot of the paper's network: N solves of order 1000 (N = 12 for 4
hidden layer pairs x 3 examples), float64 then float32, the median of 3."""
import sys
import time

import numpy as np


def gram(rng, n):
    lim = np.sqrt(6 / (2 * n))
    w = rng.uniform(-lim, lim, (n, n))
    d = 1 - np.tanh(rng.standard_normal(n)) ** 2
    return d[:, None] * (w @ w.T) * d[None, :]


def seconds(a):
    times = []
    while len(times) < 5 and sum(times) < 2:
        start = time.perf_counter()
        np.linalg.eigvalsh(a)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


rng = np.random.default_rng(3)
if sys.argv[1:2] == ["--snapshot"]:
    mats = [gram(rng, 1000) for _ in range(int(sys.argv[2]))]
    np.linalg.eigvalsh(mats[0][:8, :8])
    for dtype in (np.float64, np.float32):
        ms = [m.astype(dtype) for m in mats]
        times = []
        for _ in range(3):
            start = time.perf_counter()
            for m in ms:
                np.linalg.eigvalsh(m)
            times.append(time.perf_counter() - start)
        print(f"{float(np.median(times)):.4f}", end=" " if dtype == np.float64 else "\n")
    sys.exit()
for n in map(int, sys.argv[1:] or ["500", "1000", "2048"]):
    a = gram(rng, n)
    np.linalg.eigvalsh(a[:8, :8])  # load the library before timing
    print(n, f"{seconds(a):.4f}", f"{seconds(a.astype(np.float32)):.4f}", flush=True)
