"""PyTorch baseline for initscope's training benchmark.

Trains the paper's network (1024 -> 1000 x5 -> 9, tanh, softmax, cross-entropy,
plain SGD, float32) on random batches and prints examples per second, the
median of several timed rounds. Usage: torch_train.py BATCH THREADS [SECONDS]
"""
import statistics
import sys
import time

import torch

batch, threads = int(sys.argv[1]), int(sys.argv[2])
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
torch.set_num_threads(threads)
torch.manual_seed(1)

layers = []
fan_in = 1024
for _ in range(5):
    layers += [torch.nn.Linear(fan_in, 1000), torch.nn.Tanh()]
    fan_in = 1000
layers.append(torch.nn.Linear(1000, 9))
net = torch.nn.Sequential(*layers)
opt = torch.optim.SGD(net.parameters(), lr=1e-4)
loss_fn = torch.nn.CrossEntropyLoss()
x = torch.randn(batch, 1024)
y = torch.randint(0, 9, (batch,))


def step():
    opt.zero_grad(set_to_none=False)
    loss_fn(net(x), y).backward()
    opt.step()


for _ in range(10):  # warm up
    step()
rates = []
for _ in range(5):
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds / 5:
        step()
        n += 1
    rates.append(n * batch / (time.perf_counter() - start))
print(f"{statistics.median(rates):.1f}")
