#!/usr/bin/python3
"""rnngen against Debian's PyTorch on the same CPU, in the same run.

For every config and thread count, runs rnngen's training step (`rnngen bench --json`) and the
same training step in PyTorch, each in its own process, alternating
between the two for --repeats rounds. Each process reports tokens/s (median over its own
repeats) and its peak RSS; the table shows the median over rounds, the min..max spread, the
ratio rnngen/PyTorch of the medians and the peak RSS of each. "ratio per CPU-s" compares
tokens per second of process CPU time instead of wall time: on a shared, oversubscribed
machine it is the steadier figure at 1 thread (at 2 threads it ignores parallel speed-up).

PyTorch side: Embedding -> nn.LSTM/GRU/RNN (batch_first) -> Linear, mean cross-entropy,
backward, clip_grad_norm_(5), Adam(lr 1e-3); zero initial state per batch for char configs,
state carried (detached) for the word config. Token ids are uniform random.

Environment: OMP_WAIT_POLICY=PASSIVE for both sides at 2 threads; OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE are removed from both sides' environment unless --keep-openblas-env (so
OpenBLAS picks its own kernels, AVX-512 where the CPU has it). The table says which.

Generation rows (GEN_CONFIGS): LSTM H512 L2 (embedding 512: 16.8 MB of recurrent weights, the
issue's count, plus the decoder) stepped one token at a time, feeding back the argmax, at batch 1
and 64; PyTorch steps nn.LSTM the same way under torch.no_grad(). rnngen also reports the read
bandwidth over a buffer of the weight bytes it reads per token and the floor (bytes /
bandwidth). Those bytes leave out layer 0's W_ih: with a char vocabulary rnngen gathers a row of
Emb W_ih^T instead (models/lm_step.h), so the table also shows the floor of reading every weight
("all-weights floor", the issue's definition) at the same bandwidth. The bf16 and int8 rows use
those generation weights (`--weights`).

  bench/vs_pytorch.py [--build build] [--configs char-lstm-h128,...] [--gen-configs gen-lstm-h512]
                      [--threads 1,2] [--repeats 3] [--json out.json]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

CONFIGS = {
    # name: (cell, vocab, embed, hidden, layers, batch, seq, dropout, carry)
    "char-lstm-h128": ("lstm", 65, 64, 128, 1, 64, 64, 0.0, False),
    "char-lstm-h256": ("lstm", 65, 64, 256, 2, 64, 100, 0.0, False),
    "char-lstm-h512": ("lstm", 65, 64, 512, 2, 32, 100, 0.0, False),
    "char-lstm-h1024": ("lstm", 65, 64, 1024, 1, 32, 50, 0.0, False),
    "char-gru-h512": ("gru", 65, 64, 512, 2, 32, 100, 0.0, False),
    "char-rnn-h512": ("rnn", 65, 64, 512, 2, 32, 100, 0.0, False),
    "ptb-medium": ("lstm", 10000, 650, 650, 2, 20, 35, 0.5, True),
    # Zaremba "small" (bench/zaremba_small.sh): not in the list; an estimate of that
    # benchmark's speed ratio in a minute instead of two hours.
    "ptb-small": ("lstm", 10000, 200, 200, 2, 20, 20, 0.0, True),
}
GEN_CONFIGS = {
    # name: (cell, vocab, embed, hidden, layers, batch)
    "gen-lstm-h512-b1": ("lstm", 65, 512, 512, 2, 1),
    "gen-lstm-h512-b64": ("lstm", 65, 512, 512, 2, 64),
}
TORCH_PY = "/usr/bin/python3"


def ensure_torch():
    probe = subprocess.run([TORCH_PY, "-c", "import torch"], capture_output=True)
    if probe.returncode == 0:
        return
    if TORCH_PY != "/usr/bin/python3":
        sys.exit(f"vs_pytorch: {TORCH_PY} cannot import torch")
    print("vs_pytorch: installing python3-torch (Debian)", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                           "python3-torch"], check=True,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def torch_worker(a):
    import torch
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    cell, V, E, H, L, B, T, p, carry = CONFIGS[a.config]
    rnn_cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]

    class RNNLM(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(V, E)
            self.rnn = rnn_cls(E, H, L, batch_first=True, dropout=p if L > 1 else 0.0)
            self.drop = torch.nn.Dropout(p)
            self.decoder = torch.nn.Linear(H, V)

        def forward(self, x, state):
            # Dropout between layers and before the decoder, as rnngen (not on embeddings).
            y, state = self.rnn(self.embedding(x), state)
            return self.decoder(self.drop(y)), state

    model = RNNLM()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    state = None
    g = torch.Generator().manual_seed(a.seed)

    def step():
        nonlocal state
        ids = torch.randint(0, V, (B, T + 1), generator=g)
        x, y = ids[:, :-1], ids[:, 1:]
        if carry and state is not None:
            state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        # --torch-autocast: PyTorch's own mixed precision on CPUs (1.13 runs nn.LSTM/GRU/RNN in
        # fp32 under it and the decoder's Linear in bf16).
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.torch_autocast):
            logits, new_state = model(x, state if carry else None)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V).float(), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        if carry:
            state = new_state
        return loss.item()

    for _ in range(a.warmup):
        step()
    tps, cpu_tps = [], []
    for _ in range(a.reps):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(a.steps):
            loss = step()
        tps.append(a.steps * B * T / (time.perf_counter() - t0))
        cpu_tps.append(a.steps * B * T / (time.process_time() - c0))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"impl": "pytorch", "tokens_per_s": statistics.median(tps),
                      "tokens_per_s_min": min(tps), "tokens_per_s_max": max(tps),
                      "cpu_tokens_per_s": statistics.median(cpu_tps), "peak_rss_mb": rss, "loss": loss, "torch": torch.__version__}))


def torch_gen_worker(a):
    import torch
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    cell, V, E, H, L, B = GEN_CONFIGS[a.config]
    emb = torch.nn.Embedding(V, E)
    rnn = torch.nn.LSTM(E, H, L, batch_first=True)
    dec = torch.nn.Linear(H, V)
    for m in (emb, rnn, dec):
        m.eval()
    toks = a.steps

    def gen(n, cur, state):
        for _ in range(n):
            y, state = rnn(emb(cur), state)
            cur = dec(y).argmax(-1)
        return cur, state

    with torch.no_grad():
        cur = torch.randint(0, V, (B, 1))
        cur, state = gen(max(1, toks // 10), cur, None)
        tps, cpu_tps = [], []
        for _ in range(a.reps):
            t0, c0 = time.perf_counter(), time.process_time()
            cur, state = gen(toks, cur, state)
            tps.append(toks * B / (time.perf_counter() - t0))
            cpu_tps.append(toks * B / (time.process_time() - c0))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"impl": "pytorch", "tokens_per_s": statistics.median(tps),
                      "tokens_per_s_min": min(tps), "tokens_per_s_max": max(tps),
                      "cpu_tokens_per_s": statistics.median(cpu_tps), "peak_rss_mb": rss,
                      "torch": torch.__version__}))


def child_env(threads, keep_openblas):
    env = dict(os.environ)
    if not keep_openblas:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    env["OMP_NUM_THREADS"] = str(threads)
    if threads > 1:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    return env


def run_json(cmd, env):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    global TORCH_PY
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--gen-configs", default=",".join(GEN_CONFIGS), help="'' for none")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeats", type=int, default=3, help="alternating rounds per cell")
    ap.add_argument("--steps", type=int, default=0, help="steps per timed repeat (0: auto)")
    ap.add_argument("--keep-openblas-env", action="store_true")
    ap.add_argument("--rnngen-precision", default="fp32",
                    help="rnngen's training GEMMs: fp32 | bf16 (train --precision)")
    ap.add_argument("--torch-autocast", action="store_true",
                    help="PyTorch's training step under torch.autocast('cpu', bfloat16)")
    ap.add_argument("--rnngen-bin", default=None, help="the rnngen binary (default BUILD/rnngen)")
    ap.add_argument("--torch-python", default=TORCH_PY,
                    help="the Python that has PyTorch (default Debian's, installed if missing)")
    ap.add_argument("--json", default=None, help="also write the raw results here")
    # worker mode
    ap.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--torch-gen-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--config", help=argparse.SUPPRESS)
    ap.add_argument("--reps", type=int, default=3, help=argparse.SUPPRESS)
    ap.add_argument("--warmup", type=int, default=2, help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.torch_worker or a.torch_gen_worker:
        a.threads = int(a.threads)
        (torch_worker if a.torch_worker else torch_gen_worker)(a)
        return

    TORCH_PY = a.torch_python
    ensure_torch()
    rn_bin = a.rnngen_bin or os.path.join(a.build, "rnngen")
    if not os.path.exists(rn_bin):
        sys.exit(f"vs_pytorch: {rn_bin} not found (build first)")
    threads = [int(t) for t in a.threads.split(",")]
    openblas_note = ("OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE kept as set" if a.keep_openblas_env
                     else "OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset")
    rows, raw = [], []
    for name in filter(None, a.configs.split(",")):
        cell, V, E, H, L, B, T, p, carry = CONFIGS[name]
        steps = a.steps or max(1, int(40000 / (B * T * max(1, H / 128) ** 1.5 * L)))
        for th in threads:
            env = child_env(th, a.keep_openblas_env)
            rn_cmd = [rn_bin, "bench", "--json", "--mode", "train", "--cell", cell, "--vocab", str(V),
                      "--embed-size", str(E), "--hidden-size", str(H), "--num-layers", str(L),
                      "--batch-size", str(B), "--seq-len", str(T), "--dropout", str(p),
                      "--threads", str(th), "--steps", str(steps), "--repeats", "3",
                      "--warmup", "2", "--gemm-stats", "--precision", a.rnngen_precision] + (["--carry"] if carry else [])
            pt_cmd = [TORCH_PY, os.path.abspath(__file__), "--torch-worker", "--config", name,
                      "--threads", str(th), "--steps", str(steps), "--reps", "3", "--warmup", "2"] + \
                     (["--torch-autocast"] if a.torch_autocast else [])
            rn, pt = [], []
            for _ in range(a.repeats):
                rn.append(run_json(rn_cmd, env))
                pt.append(run_json(pt_cmd, env))
            med = lambda xs, k: statistics.median(x[k] for x in xs)
            r = {"config": name, "threads": th, "steps": steps,
                 "rnngen_tps": med(rn, "tokens_per_s"),
                 "rnngen_min": min(x["tokens_per_s"] for x in rn),
                 "rnngen_max": max(x["tokens_per_s"] for x in rn),
                 "torch_tps": med(pt, "tokens_per_s"),
                 "torch_min": min(x["tokens_per_s"] for x in pt),
                 "torch_max": max(x["tokens_per_s"] for x in pt),
                 "rnngen_rss_mb": max(x["peak_rss_mb"] for x in rn),
                 "torch_rss_mb": max(x["peak_rss_mb"] for x in pt),
                 "torch_version": pt[0].get("torch"), "rnngen_precision": a.rnngen_precision,
                 "torch_autocast": a.torch_autocast}
            r["ratio"] = r["rnngen_tps"] / r["torch_tps"]
            # Each round runs rnngen then PyTorch back to back: the ratio within a round cancels
            # drifts of the machine's speed that move both (their spread says how much is left).
            paired = [x["tokens_per_s"] / y["tokens_per_s"] for x, y in zip(rn, pt)]
            r["paired_ratio"] = statistics.median(paired)
            r["paired_ratio_min"], r["paired_ratio_max"] = min(paired), max(paired)
            r["rnngen_cpu_tps"] = med(rn, "cpu_tokens_per_s")
            r["torch_cpu_tps"] = med(pt, "cpu_tokens_per_s")
            r["cpu_ratio"] = r["rnngen_cpu_tps"] / r["torch_cpu_tps"]
            if all("gemm" in x for x in rn):
                for k in ("gflop_per_step", "gflops_in_gemm", "gflops_whole_step", "time_share",
                          "sgemm_peak_gflops", "fraction_of_peak", "step_fraction_of_peak"):
                    r["gemm_" + k] = statistics.median(x["gemm"][k] for x in rn)
                # The ceiling: every GEMM FLOP at the measured peak and nothing else costing time.
                r["ceiling_tps"] = r["gemm_sgemm_peak_gflops"] / r["gemm_gflop_per_step"] * B * T
                r["ceiling_ratio"] = r["ceiling_tps"] / r["torch_tps"]
                # What the target (2x PyTorch on char configs, 1.5x on the word ones)
                # asks of the whole step, in GEMM FLOPs per second, and that against the peak:
                # above 1, no fp32 step reaches it, however little else it does.
                r["target_ratio"] = 1.5 if name.startswith("ptb") else 2.0
                r["target_gflops"] = r["target_ratio"] * r["torch_tps"] * r["gemm_gflop_per_step"] / (B * T)
                r["target_fraction_of_peak"] = r["target_gflops"] / r["gemm_sgemm_peak_gflops"]
            rows.append(r)
            raw.append({"summary": r, "rnngen": rn, "pytorch": pt})
            print(f"{name:16s} {th}t  rnngen {r['rnngen_tps']:9.0f} tok/s  "
                  f"torch {r['torch_tps']:9.0f} tok/s  ratio {r['ratio']:.2f}  "
                  f"(per CPU-second: {r['rnngen_cpu_tps']:.0f} vs {r['torch_cpu_tps']:.0f}, "
                  f"ratio {r['cpu_ratio']:.2f})", file=sys.stderr)

    gen_rows = []
    for name in filter(None, a.gen_configs.split(",")):
        cell, V, E, H, L, B = GEN_CONFIGS[name]
        toks = max(10, 400 // max(1, B // 8))
        for th in threads:
            env = child_env(th, a.keep_openblas_env)
            for weights in ("fp32", "bf16", "int8"):
                # rnngen's batch-1 figures come from its own batch-1 run (gen-batch 1 disables the
                # second measurement); batch > 1 uses the gen-batch measurement.
                rn_cmd = [rn_bin, "bench", "--json", "--mode", "generate", "--cell", cell,
                          "--vocab", str(V), "--embed-size", str(E), "--hidden-size", str(H),
                          "--num-layers", str(L), "--threads", str(th), "--repeats", "3",
                          "--gen-batch", str(B), "--gen-tokens", str(toks if B == 1 else toks * 4),
                          "--weights", weights]
                pt_cmd = [TORCH_PY, os.path.abspath(__file__), "--torch-gen-worker", "--config", name,
                          "--threads", str(th), "--steps", str(toks), "--reps", "3"]
                rn, pt = [], []
                for _ in range(a.repeats):
                    rn.append(run_json(rn_cmd, env))
                    if weights == "fp32":
                        pt.append(run_json(pt_cmd, env))
                if weights == "fp32":
                    pt_keep = pt
                pt = pt_keep
                med = lambda xs, f: statistics.median(f(x) for x in xs)
                if B == 1:
                    rn_tps = lambda x: x["gen1_tokens_per_s"]
                    rn_cpu = lambda x: x["gen1_cpu_tokens_per_s"]["median"]
                else:
                    rn_tps = lambda x: x["genb_tokens_per_s"]["median"]
                    rn_cpu = lambda x: x["genb_cpu_tokens_per_s"]["median"]
                r = {"config": name, "threads": th, "weights": weights, "batch": B,
                     "rnngen_tps": med(rn, rn_tps), "rnngen_min": min(map(rn_tps, rn)),
                     "rnngen_max": max(map(rn_tps, rn)),
                     "torch_tps": med(pt, lambda x: x["tokens_per_s"]),
                     "torch_min": min(x["tokens_per_s"] for x in pt),
                     "torch_max": max(x["tokens_per_s"] for x in pt),
                     "rnngen_cpu_tps": med(rn, rn_cpu),
                     "torch_cpu_tps": med(pt, lambda x: x["cpu_tokens_per_s"]),
                     "rnngen_rss_mb": max(x["peak_rss_mb"] for x in rn),
                     "torch_rss_mb": max(x["peak_rss_mb"] for x in pt),
                     "ms_per_token": med(rn, lambda x: x["gen1_cpu_ms_per_token"]),
                     "floor_ms": med(rn, lambda x: x["floor_ms_per_token"]),
                     "weight_mb": rn[0]["weight_bytes_per_token"] / 1e6,
                     "bandwidth_gbs": med(rn, lambda x: x["read_bandwidth_gbs"]["median"]),
                     "torch_version": pt[0].get("torch"), "rnngen_precision": a.rnngen_precision,
                 "torch_autocast": a.torch_autocast}
                r["ratio"] = r["rnngen_tps"] / r["torch_tps"]
                r["cpu_ratio"] = r["rnngen_cpu_tps"] / r["torch_cpu_tps"]
                gates = {"lstm": 4, "gru": 3}.get(cell, 1)
                all_weights = gates * H * (E + H) + (L - 1) * gates * H * 2 * H + V * H
                r["all_weights_mb"] = all_weights * {"fp32": 4, "bf16": 2, "int8": 1}[weights] / 1e6
                r["all_weights_floor_ms"] = r["all_weights_mb"] / r["bandwidth_gbs"]
                gen_rows.append(r)
                raw.append({"summary": r, "rnngen": rn, "pytorch": pt})
                print(f"{name:18s} {th}t {weights}  rnngen {r['rnngen_tps']:9.0f} tok/s  "
                      f"torch {r['torch_tps']:9.0f} tok/s  ratio {r['ratio']:.2f}  "
                      f"(per CPU-s ratio {r['cpu_ratio']:.2f}); batch-1 {r['ms_per_token']:.3f} ms/token, "
                      f"floor {r['floor_ms']:.3f} ms ({r['weight_mb']:.1f} MB at {r['bandwidth_gbs']:.1f} GB/s)",
                      file=sys.stderr)

    print(f"\nrnngen vs PyTorch {rows[0]['torch_version'] if rows else ''} "
          f"(training tokens/s, median of {a.repeats} alternating runs, min..max; {openblas_note};"
          f" OMP_WAIT_POLICY=PASSIVE at >1 thread; rnngen --precision {a.rnngen_precision}, PyTorch "
          f"{'under torch.autocast(cpu, bfloat16)' if a.torch_autocast else 'fp32'})\n")
    print("| config | threads | rnngen tok/s | PyTorch tok/s | ratio | paired ratio (min..max) | ratio per CPU-s "
          "| rnngen RSS MB | PyTorch RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['config']} | {r['threads']} | {r['rnngen_tps']:.0f} ({r['rnngen_min']:.0f}..{r['rnngen_max']:.0f})"
              f" | {r['torch_tps']:.0f} ({r['torch_min']:.0f}..{r['torch_max']:.0f}) | {r['ratio']:.2f}"
              f" | {r['paired_ratio']:.2f} ({r['paired_ratio_min']:.2f}..{r['paired_ratio_max']:.2f})"
              f" | {r['cpu_ratio']:.2f}"
              f" | {r['rnngen_rss_mb']:.0f} | {r['torch_rss_mb']:.0f} |")
    if any("gemm_fraction_of_peak" in r for r in rows):
        print("\nrnngen's training GEMMs against the SGEMM peak measured right after each run, same threads "
              "(square SGEMM; medians over the runs above). \"inside\": GEMM FLOPs per wall second spent in "
              "GEMM calls; \"whole step\": per wall second of the whole training step; \"ceiling\": the "
              "tokens/s if every GEMM FLOP ran at that peak and nothing else took time, and its ratio to PyTorch; "
              "\"target needs\": the whole-step GFLOP/s that the issue's target ratio (2x char, 1.5x PTB) "
              "asks for against this PyTorch, and that over the peak (above 100%: out of reach in fp32)\n")
        print("| config | threads | GFLOP/step | GFLOP/s inside GEMMs | share of step in GEMMs | GFLOP/s whole step "
              "| SGEMM peak GFLOP/s | inside / peak | whole step / peak | ceiling tok/s | ceiling / PyTorch "
              "| target needs GFLOP/s | target / peak |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            if "gemm_fraction_of_peak" not in r:
                continue
            print(f"| {r['config']} | {r['threads']} | {r['gemm_gflop_per_step']:.2f} | {r['gemm_gflops_in_gemm']:.1f} "
                  f"| {100 * r['gemm_time_share']:.0f}% | {r['gemm_gflops_whole_step']:.1f} | {r['gemm_sgemm_peak_gflops']:.1f} "
                  f"| {100 * r['gemm_fraction_of_peak']:.0f}% | {100 * r['gemm_step_fraction_of_peak']:.0f}% "
                  f"| {r['ceiling_tps']:.0f} | {r['ceiling_ratio']:.2f} "
                  f"| {r['target_gflops']:.1f} | {100 * r['target_fraction_of_peak']:.0f}% |")
    if gen_rows:
        print("\nGeneration, one token at a time, argmax fed back (tokens/s = batch x steps/s; "
              "floor = weight bytes per token / read bandwidth per CPU-second over a buffer that size)\n")
        print("| config | threads | weights | rnngen tok/s | PyTorch tok/s (fp32) | ratio | ratio per CPU-s "
              "| rnngen CPU-ms/token at batch 1 | floor ms (MB @ GB/s) | x floor "
              "| all-weights floor ms (MB) | x all-weights floor | rnngen RSS MB | PyTorch RSS MB |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in gen_rows:
            print(f"| {r['config']} | {r['threads']} | {r['weights']} "
                  f"| {r['rnngen_tps']:.0f} ({r['rnngen_min']:.0f}..{r['rnngen_max']:.0f}) "
                  f"| {r['torch_tps']:.0f} ({r['torch_min']:.0f}..{r['torch_max']:.0f}) "
                  f"| {r['ratio']:.2f} | {r['cpu_ratio']:.2f} | {r['ms_per_token']:.3f} "
                  f"| {r['floor_ms']:.3f} ({r['weight_mb']:.1f} @ {r['bandwidth_gbs']:.1f}) "
                  f"| {r['ms_per_token'] / r['floor_ms']:.2f} "
                  f"| {r['all_weights_floor_ms']:.3f} ({r['all_weights_mb']:.1f}) "
                  f"| {r['ms_per_token'] / r['all_weights_floor_ms']:.2f} "
                  f"| {r['rnngen_rss_mb']:.0f} | {r['torch_rss_mb']:.0f} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(raw, f, indent=1)


if __name__ == "__main__":
    main()
