#!/usr/bin/python3
"""Seq2seq speed against PyTorch on the same CPU, in one run: the book's reversed + Peeky model
(LSTM, embedding 16, hidden 128, batch 128, Adam lr 1e-3, clip 5) on addition.txt (train = the
first 45,000 lines, test = the last 5,000).

    /usr/bin/python3 bench/seq2seq_vs_pytorch.py [--threads 1,2] [--repeats 3] [--json out.json]

Per thread count and repeat, alternating the two:
  epoch: seconds of training steps for one epoch (352 steps of 128 pairs; rnngen: its log's
         tokens / tokens_per_s, which counts steps only; PyTorch: the loop of forward, backward,
         clipping and the Adam step over the same batches, timed the same way);
  eval:  seconds to answer the 5,000 test questions greedily (rnngen: `rnngen eval --json`'s
         "greedy_seconds", 256 questions at a time; PyTorch: the same greedy loop 256 at a
         time, and one question at a time as the book's eval loop does it).
Prints medians with min..max and the ratios PyTorch / rnngen.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
from torch_seq2seq import Seq2Seq  # noqa: E402

DATA = os.path.join(HERE, "..", "..", "shared", "data", "seq2seq", "addition.txt")


def load_pairs(path):
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f.read().split("\n") if l]
    return [tuple(l.split("_", 1)) for l in lines]


def torch_epoch(pairs, vocab, threads, seed):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    ids = {c: i for i, c in enumerate(vocab)}
    line = ids["\n"]
    model = Seq2Seq(len(vocab), 16, 128, 1, "lstm", "peeky")
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    src = torch.tensor([[ids[c] for c in reversed(s)] for s, _ in pairs])
    tgt = torch.tensor([[ids[c] for c in t] + [line] for _, t in pairs])
    dec = torch.cat([torch.full((len(pairs), 1), line), tgt[:, :-1]], dim=1)
    lens = torch.full((128,), src.shape[1])
    order = torch.randperm(len(pairs))
    model.train()
    t0 = time.perf_counter()
    for first in range(0, len(pairs), 128):
        b = order[first:first + 128]
        logits = model(src[b], lens[:len(b)], dec[b])
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[b].reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
    return time.perf_counter() - t0, model


def torch_eval(model, pairs, vocab, threads, batch=256):
    torch.set_num_threads(threads)
    ids = {c: i for i, c in enumerate(vocab)}
    line = ids["\n"]
    model.eval()
    enc, dec = model.encoder, model.decoder
    t0 = time.perf_counter()
    with torch.no_grad():
        for first in range(0, len(pairs), batch):
            chunk = pairs[first:first + batch]
            src = torch.tensor([[ids[c] for c in reversed(s)] for s, _ in chunk])
            _, (h, c) = enc.rnn(enc.embedding(src))
            peek = h[-1]
            tok = torch.full((len(chunk), 1), line)
            for _ in range(5):  # the longest answer (4) and its end
                x = torch.cat([peek.unsqueeze(1), dec.embedding(tok)], dim=2)
                out, (h, c) = dec.rnn(x, (h, c))
                tok = dec.out(torch.cat([peek.unsqueeze(1), out], dim=2)).argmax(dim=2)
    return time.perf_counter() - t0


def rnngen_run(binary, threads, seed, work):
    out = os.path.join(work, "m%d_%d" % (threads, seed))
    subprocess.run([binary, "train", DATA, "--out", out, "--task", "seq2seq", "--separator", "_", "--reverse-source",
                    "--decoder", "peeky", "--embed-size", "16", "--hidden-size", "128", "--num-layers", "1",
                    "--batch-size", "128", "--optimizer", "adam", "--lr", "1e-3", "--clip", "5", "--epochs", "1",
                    "--val-fraction", "0.1", "--threads", str(threads), "--seed", str(seed), "--force", "-q"],
                   check=True)
    with open(os.path.join(out, "train_log.jsonl")) as f:
        rec = json.loads(f.readline())
    epoch = rec["tokens"] / rec["tokens_per_s"]
    test = os.path.join(work, "test.txt")
    r = subprocess.run([binary, "eval", out, test, "--json", "--threads", str(threads)], check=True,
                       capture_output=True, text=True)
    ev = json.loads(r.stdout)
    return epoch, ev["greedy_seconds"], ev["accuracy"]


def span(v):
    return "%.3f (%.3f..%.3f)" % (statistics.median(v), min(v), max(v))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--json")
    a = ap.parse_args()
    pairs = load_pairs(DATA)
    train, test = pairs[:45000], pairs[45000:]
    vocab = sorted(set("".join(s + t for s, t in pairs)) | {"\n"})
    binary = os.path.join(a.build, "rnngen")
    results = []
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "test.txt"), "w") as f:
            f.write("".join(s + "_" + t + "\n" for s, t in test))
        for threads in [int(t) for t in a.threads.split(",")]:
            row = {"threads": threads, "rnngen_epoch": [], "torch_epoch": [], "rnngen_eval": [], "torch_eval": [],
                   "torch_eval_1": []}
            for rep in range(a.repeats):
                e, ev, acc = rnngen_run(binary, threads, 1 + rep, work)
                row["rnngen_epoch"].append(e)
                row["rnngen_eval"].append(ev)
                te, model = torch_epoch(train, vocab, threads, 1 + rep)
                row["torch_epoch"].append(te)
                row["torch_eval"].append(torch_eval(model, test, vocab, threads))
                row["torch_eval_1"].append(torch_eval(model, test, vocab, threads, batch=1))
            results.append(row)
    print("| threads | rnngen epoch s | PyTorch epoch s | epoch ratio | rnngen eval s | PyTorch eval s (batch 256) "
          "| eval ratio | PyTorch eval s (one at a time) | eval ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        er = [t / g for t, g in zip(r["torch_epoch"], r["rnngen_epoch"])]
        vr = [t / g for t, g in zip(r["torch_eval"], r["rnngen_eval"])]
        v1 = [t / g for t, g in zip(r["torch_eval_1"], r["rnngen_eval"])]
        print("| %d | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["threads"], span(r["rnngen_epoch"]), span(r["torch_epoch"]), span(er), span(r["rnngen_eval"]),
            span(r["torch_eval"]), span(vr), span(r["torch_eval_1"]), span(v1)))
    print("PyTorch %s; ratios are PyTorch / rnngen within each repeat (median, min..max)" % torch.__version__)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
