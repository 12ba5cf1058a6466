#!/usr/bin/python3
"""Writes tests/golden/optimizers.json: torch.optim trajectories the C++ optimizers must match.

Run with a Python that has PyTorch (Debian's: /usr/bin/python3 scripts/make_optimizer_golden.py).
Each case runs 5 steps of one torch.optim optimizer on a fixed 6-element float32 parameter
vector with fixed gradients per step, and records the hyperparameters, the gradients and the
parameters after every step (the gradients, the same for every case, once at the top). The gradients are stored, not recomputed in C++, so the test does
not depend on two sin() implementations agreeing.
"""
import json
import math
import os
import re
import sys

import torch

N, STEPS = 6, 5
INIT = [0.5, -1.25, 2.0, -0.03125, 0.75, -2.5]


def grad(step, i):
    # Mixed signs and magnitudes; a larger one at step 3 so momentum/Adam states see a jump.
    g = math.sin(0.7 * i + 1.3 * step) * (1.0 + 0.25 * i)
    return g * (4.0 if step == 3 else 1.0)


CASES = [
    ("sgd_momentum", "sgd", dict(lr=0.1, momentum=0.9)),
    ("sgd_nesterov", "sgd", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("sgd_wd_dampening", "sgd", dict(lr=0.05, momentum=0.5, dampening=0.25, weight_decay=0.1)),
    ("sgd_plain", "sgd", dict(lr=0.1)),
    ("adam", "adam", dict(lr=0.01)),
    ("adam_l2_amsgrad", "adam", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1,
                                     amsgrad=True)),
    ("adamw", "adamw", dict(lr=0.01, weight_decay=0.01)),
    ("rmsprop", "rmsprop", dict(lr=0.01)),
    ("rmsprop_momentum_centered", "rmsprop", dict(lr=0.01, alpha=0.9, momentum=0.9, centered=True,
                                                  weight_decay=0.05)),
]

MAKERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
          "rmsprop": torch.optim.RMSprop}


def run(kind, hp):
    p = torch.tensor(INIT, dtype=torch.float32, requires_grad=True)
    opt = MAKERS[kind]([p], foreach=False, **hp)
    grads, params = [], []
    for t in range(STEPS):
        g = torch.tensor([grad(t, i) for i in range(N)], dtype=torch.float32)
        p.grad = g.clone()
        opt.step()
        grads.append(g.tolist())
        params.append(p.detach().tolist())
    return grads, params


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = {"torch_version": torch.__version__, "init": INIT, "grads": None, "cases": []}
    for name, kind, hp in CASES:
        grads, params = run(kind, hp)
        hp = dict(hp)
        if "betas" in hp:
            hp["beta1"], hp["beta2"] = hp.pop("betas")
        out["grads"] = grads  # the same for every case
        out["cases"].append({"name": name, "optimizer": kind, "hyper": hp, "params": params})
    path = os.path.join(root, "tests", "golden", "optimizers.json")
    # One case per block and one vector per line: small, and diffs stay readable.
    text = json.dumps(out, indent=1)
    text = re.sub(r"\[\s+([-0-9.e,\s]+?)\s+\]",
                  lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text)
    with open(path, "w") as f:
        f.write(text + "\n")
    print("wrote", path, file=sys.stderr)


if __name__ == "__main__":
    main()
