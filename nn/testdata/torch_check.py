"""Independent cross-check of initscope's nn package with PyTorch.

Reads a JSON list of cases on stdin (activation, cost, weights, biases,
inputs, labels), computes each mean cost and its gradients in float64 with
torch's autograd, and writes the list of results as JSON on stdout.
"""
import json
import sys

import torch
import torch.nn.functional as F

ACT = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softsign": F.softsign,
    "relu": F.relu,
    "leaky-relu": lambda s: F.leaky_relu(s, 0.01),
    "elu": F.elu,
    "linear": lambda s: s,
}


def check(case):
    ws = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in case["w"]]
    bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in case["b"]]
    z = torch.tensor(case["x"], dtype=torch.float64)
    y = torch.tensor(case["y"], dtype=torch.long)
    act = ACT[case["activation"]]
    for i, (w, b) in enumerate(zip(ws, bs)):
        s = z @ w.T + b
        z = s if i == len(ws) - 1 else act(s)
    if case["cost"] == "cross-entropy":
        loss = F.cross_entropy(z, y)
    else:
        p = torch.softmax(z, dim=1)
        onehot = F.one_hot(y, p.shape[1]).to(torch.float64)
        loss = ((p - onehot) ** 2).sum(dim=1).mean()
    loss.backward()
    return {
        "loss": loss.item(),
        "dw": [w.grad.tolist() for w in ws],
        "db": [b.grad.tolist() for b in bs],
    }


json.dump([check(case) for case in json.load(sys.stdin)], sys.stdout)
