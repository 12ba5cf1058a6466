#!/usr/bin/python3
"""The PyTorch side of bench/quality_tinyshakespeare.sh and bench/time_to_quality.sh: a char-level
(or, with --unit word, a ptb-style word-level) RNNLM trained the way `rnngen train` trains one,
for a fixed wall-clock budget, then scored as `rnngen eval` scores.

  /usr/bin/python3 bench/torch_char_lm.py --train TRAIN.txt --val VAL.txt --max-time 300 \
      --threads 2 --json OUT.json

Model: the contract's RNNLM module (docs: shared/docs/contract.md section 1), PyTorch's
default initialisation. Data (--batching stream, the default): the training text cut into
--batch-size contiguous streams, windows of --seq-len, state carried from window to window and
detached, reset at each epoch (rnngen's StreamBatches); --batching random: every step takes
--batch-size windows at random offsets, each from a zero state (char-rnn tutorials' recipe; an
"epoch" is then len(text) / (batch * seq_len) steps). Adam, gradient norm clipped, mean
cross-entropy over tokens. --autocast bf16 runs forward and loss under PyTorch's CPU autocast
(torch.autocast("cpu", dtype=torch.bfloat16)); backward follows it as autograd does.

The clock: training stops at the first step that starts after --max-time seconds, counted
from the start of the first step and including the validations done along the way, as
rnngen's --max-time does. Every --eval-every steps, at each epoch's end and at the end, as
rnngen's trainer does, the held-out text is
scored the way rnngen's trainer validates (many streams from a zero state, fast) for the
curve, and the best weights are kept, as rnngen keeps its best model. The final figure is
the contract's eval of the best weights: zero state, the whole text as one stream.
"""
import argparse
import copy
import json
import math
import os
import sys
import time

# Before torch starts its OpenMP pool: idle threads sleep instead of spinning on shared cores.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402


class RNNLM(torch.nn.Module):
    """Exactly the module of the contract, so its state_dict names match rnngen's files."""

    def __init__(self, vocab_size, embed_size, hidden_size, num_layers, cell):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab_size, embed_size)
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
        self.rnn = rnn(embed_size, hidden_size, num_layers, batch_first=True)
        self.decoder = torch.nn.Linear(hidden_size, vocab_size)

    def forward(self, x, state):
        out, state = self.rnn(self.embedding(x), state)
        return self.decoder(out), state


def detach(state):
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def stream_windows(ids, batch, seq_len):
    """rnngen's StreamBatches: B streams of L = N // B tokens, windows [w*T, w*T + len)."""
    length = len(ids) // batch
    streams = ids[: batch * length].view(batch, length)
    windows = (length - 2) // seq_len + 1 if length >= 2 else 0
    out = []
    for w in range(windows):
        start = w * seq_len
        n = min(seq_len, length - 1 - start)
        out.append((streams[:, start:start + n], streams[:, start + 1:start + 1 + n]))
    return out


@torch.no_grad()
def validate_streams(model, ids, batch, seq_len):
    """rnngen's in-training validation: clamp(N / 2000, 1, batch) streams from a zero state."""
    model.eval()
    streams = max(1, min(len(ids) // 2000, batch))
    total, count, state = 0.0, 0, None
    for x, y in stream_windows(ids, streams, seq_len):
        logits, state = model(x, state)
        total += torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.size(-1)), y.reshape(-1), reduction="sum").item()
        count += y.numel()
    model.train()
    return total / count


@torch.no_grad()
def contract_eval(model, ids, chunk=1000):
    """`rnngen eval`: zero state, one stream, nll = mean over the N - 1 predicted tokens."""
    model.eval()
    total, state = 0.0, None
    x_all, y_all = ids[:-1].view(1, -1), ids[1:].view(1, -1)
    for start in range(0, x_all.size(1), chunk):
        x, y = x_all[:, start:start + chunk], y_all[:, start:start + chunk]
        logits, state = model(x, state)
        total += torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.size(-1)), y.reshape(-1), reduction="sum").item()
    model.train()
    return total / (len(ids) - 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--val", required=True)
    ap.add_argument("--json", required=True, help="results file to write")
    ap.add_argument("--max-time", type=float, default=300)
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps too (0 = no limit)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--embed-size", type=int, default=256)
    ap.add_argument("--hidden-size", type=int, default=256)
    ap.add_argument("--num-layers", type=int, default=2)
    ap.add_argument("--cell", default="lstm")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--seq-len", type=int, default=100)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--eval-every", type=int, default=100, help="steps between curve points")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batching", choices=["stream", "random"], default="stream")
    ap.add_argument("--autocast", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--unit", choices=["char", "word"], default="char",
                    help="tokens: code points, or ptb-style words (whitespace-split, <eos> after each line)")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train_text = open(a.train, encoding="utf-8").read()
    val_text = open(a.val, encoding="utf-8").read()
    if a.unit == "char":
        # rnngen's char vocabulary: the distinct code points of the training and --val text, sorted.
        train_syms, val_syms = list(train_text), list(val_text)
        vocab = sorted(set(train_text) | set(val_text))
    else:
        # rnngen's ptb-style words: split on whitespace, <eos> after every line; held-out words
        # the training text lacks read as <unk> (PTB's own files have none).
        def words(text):
            return [w for line in text.splitlines() for w in line.split() + ["<eos>"]]
        train_syms, val_syms = words(train_text), words(val_text)
        vocab = list(dict.fromkeys(train_syms))
        known = set(vocab)
        if any(w not in known for w in val_syms):
            if "<unk>" not in known:
                vocab.append("<unk>")
            val_syms = [w if w in known else "<unk>" for w in val_syms]
    index = {c: i for i, c in enumerate(vocab)}
    train_ids = torch.tensor([index[c] for c in train_syms], dtype=torch.long)
    val_ids = torch.tensor([index[c] for c in val_syms], dtype=torch.long)

    model = RNNLM(len(vocab), a.embed_size, a.hidden_size, a.num_layers, a.cell)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    windows = stream_windows(train_ids, a.batch_size, a.seq_len)
    gen = torch.Generator().manual_seed(a.seed)
    if a.batching == "random":
        # As many steps per "epoch" as the stream recipe has; each draws fresh offsets.
        def random_window(_):
            starts = torch.randint(0, len(train_ids) - a.seq_len - 1, (a.batch_size,), generator=gen)
            idx = starts[:, None] + torch.arange(a.seq_len + 1)[None, :]
            chunk = train_ids[idx]
            return chunk[:, :-1], chunk[:, 1:]
        windows = [None] * len(windows)
    autocast = (torch.autocast("cpu", dtype=torch.bfloat16) if a.autocast == "bf16"
                else torch.autocast("cpu", enabled=False))
    print(f"torch: {sum(p.numel() for p in model.parameters())} parameters, vocab {len(vocab)}, "
          f"{len(windows)} steps per epoch, {torch.get_num_threads()} threads, torch {torch.__version__}",
          file=sys.stderr, flush=True)

    curve, best, best_state = [], math.inf, None
    step = tokens = 0
    step_seconds = 0.0  # time inside training steps only, like rnngen's tokens_per_s
    run_sum = run_count = 0.0
    t0 = time.monotonic()

    def evaluate():
        nonlocal best, best_state, run_sum, run_count
        val = validate_streams(model, val_ids, a.batch_size, a.seq_len)
        point = {"step": step, "tokens": tokens, "elapsed_s": time.monotonic() - t0,
                 "train_nll": run_sum / max(run_count, 1), "val_nll": val}
        curve.append(point)
        run_sum = run_count = 0.0
        if val < best:
            best, best_state = val, copy.deepcopy(model.state_dict())
        print(f"torch: step {step}  {point['elapsed_s']:.0f}s  train {point['train_nll']:.4f}  "
              f"val {val:.4f}", file=sys.stderr, flush=True)

    done = False
    while not done:
        state = None  # a new epoch starts from a zero state
        for w, pair in enumerate(windows):
            if time.monotonic() - t0 >= a.max_time or (a.max_steps and step >= a.max_steps):
                done = True
                break
            s0 = time.monotonic()
            if a.batching == "random":
                x, y = random_window(w)
                state = None
            else:
                x, y = pair
            with autocast:
                logits, state = model(x, state)
                loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)).float(), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            opt.step()
            state = detach(state)
            step_seconds += time.monotonic() - s0
            step += 1
            tokens += y.numel()
            run_sum += loss.item() * y.numel()
            run_count += y.numel()
            # When rnngen's trainer validates: every --eval-every steps, and at each epoch's end.
            if (step % a.eval_every == 0 and w + 1 < len(windows)) or w + 1 == len(windows):
                evaluate()
    train_s = time.monotonic() - t0
    if not curve or curve[-1]["step"] != step:
        evaluate()
    model.load_state_dict(best_state)
    e0 = time.monotonic()
    final = contract_eval(model, val_ids)
    result = {"side": "pytorch", "torch_version": torch.__version__, "threads": torch.get_num_threads(),
              "batching": a.batching, "autocast": a.autocast, "lr": a.lr,
              "steps": step, "tokens": tokens, "train_seconds": train_s,
              "step_seconds": step_seconds,
              "tokens_per_s": tokens / step_seconds if step_seconds > 0 else 0.0,
              "curve": curve, "best_stream_val_nll": best, "eval_nll": final,
              "eval_tokens": len(val_ids), "eval_seconds": time.monotonic() - e0}
    with open(a.json, "w") as f:
        json.dump(result, f, indent=1)
    print(f"torch: {step} steps, {tokens} tokens in {train_s:.0f} s; held-out nll (contract eval) {final:.4f}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
