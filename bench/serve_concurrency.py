#!/usr/bin/env python3
"""Aggregate generation throughput of `rnngen serve` with 1 and with N concurrent streaming
clients (issue 19's batching figure): each client asks for TOKENS tokens with its own seed.

    bench/serve_concurrency.py build/rnngen MODEL_DIR [--clients 16] [--tokens 256] [--threads 1] [--repeats 1]

The clients' threads start first and send together (a barrier); the clock starts there.
Prints one JSON object per setting: clients, tokens_per_s (all streams together), and the mean
and max seconds per token a stream saw (its wall time / its tokens); for N clients also
"identical": whether every stream's text equals that of the same request run alone afterwards
(continuous batching must not change a byte). --repeats R alternates the settings R times.
Uses only the standard library, so any python3 runs it.
"""
import argparse
import json
import re
import subprocess
import threading
import time
import urllib.request


def stream(base, prompt, tokens, seed, start=None):
    body = json.dumps({"prompt": prompt, "max_tokens": tokens, "seed": seed, "stream": True,
                       "stream_options": {"include_usage": True}}).encode()
    req = urllib.request.Request(base + "/v1/completions", data=body, headers={"Content-Type": "application/json"})
    if start:  # all clients send at once (the barrier) rather than as their threads come up
        start.wait()
    t0 = time.perf_counter()
    n = 0
    chunks = 0
    text = []
    with urllib.request.urlopen(req, timeout=600) as r:
        for line in r:
            if not line.startswith(b"data: {"):
                continue
            chunk = json.loads(line[6:])
            if chunk["choices"]:
                text.append(chunk["choices"][0]["text"])
                chunks += chunk["choices"][0]["finish_reason"] is None
            else:  # the last event: the usage (an event may carry several tokens)
                n = chunk["usage"]["completion_tokens"]
    # A server without stream_options (before 2026-12-05) sent one event per token.
    return n or chunks, time.perf_counter() - t0, "".join(text)


def run(base, clients, tokens):
    results = [None] * clients
    t0 = [0.0]
    # The clock starts when the last client thread is ready and all of them send.
    start = threading.Barrier(clients, action=lambda: t0.__setitem__(0, time.perf_counter()))

    def one(i):
        results[i] = stream(base, "The ", tokens, 1000 + i, start)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0[0]
    per_token = [secs / n for n, secs, _ in results]
    out = {"clients": clients, "tokens": sum(n for n, _, _ in results), "seconds": round(wall, 3),
           "tokens_per_s": round(sum(n for n, _, _ in results) / wall, 1),
           "mean_s_per_token": round(sum(per_token) / clients, 6), "max_s_per_token": round(max(per_token), 6)}
    if clients > 1:
        out["identical"] = all(stream(base, "The ", tokens, 1000 + i)[2] == results[i][2] for i in range(clients))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("model")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--tokens", type=int, default=256)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=1)
    a = ap.parse_args()
    proc = subprocess.Popen([a.cli, "serve", a.model, "--port", "0", "--threads", str(a.threads)],
                            stderr=subprocess.PIPE, text=True)
    try:
        port = re.search(r":(\d+)$", proc.stderr.readline().strip()).group(1)
        base = f"http://127.0.0.1:{port}"
        run(base, 1, 16)  # warm-up: page in the weights
        for _ in range(a.repeats):
            for clients in (1, a.clients):
                print(json.dumps(run(base, clients, a.tokens)), flush=True)
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
