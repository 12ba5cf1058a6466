#!/usr/bin/env python3
"""The cost model of data-parallel training (docs/distributed.md): for each benchmark config,
the bytes one step's gradient allreduce sends per process, its time on 10 and 100 Gbit/s links
against the step's measured compute time, and the scaling efficiency that predicts for 2, 8
and 64 machines.

    python3 bench/dist_cost_model.py --rnngen build/rnngen [--repeats 3 --steps 3]

Compute time: `rnngen bench --mode train --threads 1` on this machine, per step, from its CPU
time (cpu_tokens_per_s), so that other load on a shared machine does not inflate it. Parameter
counts: the tensor table of docs/format.md (rnngen summary prints the same numbers).

Model (ring allreduce, fp32 gradients, P parameters, N processes, link bandwidth b, per-message
latency a): each process sends 2 (N-1)/N * 4P bytes in 2 (N-1) messages, so
    t_comm = 2 (N-1)/N * 4P / b + 2 (N-1) a.
Each machine keeps the config's batch (weak scaling: the global batch is N times it), so its
compute time t_c per step is the measured one. Efficiency = throughput / (N * one machine's):
    without overlap  t_c / (t_c + t_comm)
    full overlap     t_c / max(t_c, t_comm)   (the allreduce hidden behind backward; an upper bound)
The last column repeats "without overlap" for a machine 16 times faster than one core here (a
many-core machine: t_c / 16), where the same bytes weigh 16 times more.
"""
import argparse
import json
import subprocess

# name: (cell, vocab, embed, hidden, layers, batch, seq_len, dropout, carry), as bench/vs_pytorch.py
CONFIGS = {
    "char-lstm-h256": ("lstm", 65, 64, 256, 2, 64, 100, 0.0, False),
    "char-lstm-h512": ("lstm", 65, 64, 512, 2, 32, 100, 0.0, False),
    "ptb-medium": ("lstm", 10000, 650, 650, 2, 20, 35, 0.5, True),
}
GATES = {"lstm": 4, "gru": 3, "rnn": 1}
LATENCY_S = 30e-6  # per message over TCP on a datacenter Ethernet link (an assumption, see the doc)


def params(cell, V, E, H, L):
    g = GATES[cell] * H
    n = V * E if E else 0
    for l in range(L):
        inp = (E or V) if l == 0 else H
        n += g * inp + g * H + 2 * g
    return n + V * H + V


def step_seconds(rnngen, cfg, repeats, steps):
    cell, V, E, H, L, B, T, p, carry = cfg
    cmd = [rnngen, "bench", "--mode", "train", "--cell", cell, "--vocab", str(V), "--embed-size", str(E),
           "--hidden-size", str(H), "--num-layers", str(L), "--batch-size", str(B), "--seq-len", str(T),
           "--dropout", str(p), "--threads", "1", "--repeats", str(repeats), "--steps", str(steps), "--json"]
    if carry:
        cmd.append("--carry")
    r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    return B * T / r["cpu_tokens_per_s"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rnngen", default="build/rnngen")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--steps", type=int, default=3)
    a = ap.parse_args()
    print("| config | parameters | gradient MB | t_c ms (1 core) | N | MB sent per process | "
          "t_comm 10 Gbit/s ms | t_comm 100 Gbit/s ms | efficiency 10G (no overlap / overlap) | "
          "efficiency 100G (no overlap / overlap) | t_c / 16: efficiency 10G / 100G (no overlap) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, cfg in CONFIGS.items():
        cell, V, E, H, L = cfg[:5]
        P = params(cell, V, E, H, L)
        tc = step_seconds(a.rnngen, cfg, a.repeats, a.steps)
        for N in (2, 8, 64):
            sent = 2 * (N - 1) / N * 4 * P
            row = [name, f"{P:,}", f"{4 * P / 1e6:.1f}", f"{1e3 * tc:.0f}", str(N), f"{sent / 1e6:.1f}"]
            effs, fast = [], []
            for gbit in (10, 100):
                t = sent / (gbit * 1e9 / 8) + 2 * (N - 1) * LATENCY_S
                row.append(f"{1e3 * t:.1f}")
                effs.append(f"{100 * tc / (tc + t):.0f}% / {100 * min(1.0, tc / t):.0f}%")
                fast.append(f"{100 * (tc / 16) / (tc / 16 + t):.0f}%")
            print("| " + " | ".join(row + effs + [" / ".join(fast)]) + " |")


if __name__ == "__main__":
    main()
