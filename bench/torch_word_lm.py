#!/usr/bin/python3
"""PyTorch's word_language_model recipe (pytorch/examples, main.py), set up as Zaremba et al.
2014 configure it, as the reference side of bench/zaremba_*.sh.

Same as the recipe: words split on whitespace with <eos> after every line, ids in order of
first appearance; the training text batchified into `batch` streams, truncated BPTT windows
of `bptt` with the hidden state carried (detached) across windows and epochs; mean
cross-entropy; clip_grad_norm_; plain SGD (p -= lr * grad); the model with the best
validation loss is the one tested. Zaremba's choices on top: every parameter uniform in
[-init, init]; lr divided by 2 each epoch after the first `decay_after`; dropout (when > 0)
on the embedding output, between the LSTM layers and before the decoder.

The test figure is computed the way `rnngen eval` computes it, so the two sides compare
exactly: one stream from a zero state, nll = mean over tokens 1..N-1, perplexity = exp(nll).

Prints one JSON object: train/eval wall seconds, best validation nll, test nll and perplexity.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn


def words_of(path, lines):
    out = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if lines and i >= lines:
                break
            out.extend(line.split() + ["<eos>"])
    return out


class Vocab:
    def __init__(self, words):
        self.ids = {}
        for w in words:
            self.ids.setdefault(w, len(self.ids))
        self.unk = self.ids.setdefault("<unk>", len(self.ids))

    def encode(self, words):
        return torch.tensor([self.ids.get(w, self.unk) for w in words], dtype=torch.long)


class RNNModel(nn.Module):
    def __init__(self, ntoken, ninp, nhid, nlayers, dropout):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)

    def forward(self, x, hidden):
        emb = self.drop(self.encoder(x))
        out, hidden = self.rnn(emb, hidden)
        return self.decoder(self.drop(out)), hidden

    def init_hidden(self, bsz):
        w = next(self.parameters())
        return (w.new_zeros(self.rnn.num_layers, bsz, self.rnn.hidden_size),
                w.new_zeros(self.rnn.num_layers, bsz, self.rnn.hidden_size))


def batchify(data, bsz):
    n = data.size(0) // bsz
    return data[: n * bsz].view(bsz, -1).t().contiguous()  # [time, batch]


def stream_nll(model, data, bptt, bsz):
    """Mean nll over every prediction of `data` split into bsz streams (bsz 1 = rnngen eval)."""
    model.eval()
    src = batchify(data, bsz)
    hidden = model.init_hidden(bsz)
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, src.size(0) - 1, bptt):
            n = min(bptt, src.size(0) - 1 - i)
            out, hidden = model(src[i : i + n], hidden)
            total += nn.functional.cross_entropy(
                out.view(-1, out.size(-1)), src[i + 1 : i + 1 + n].reshape(-1), reduction="sum").item()
            count += n * bsz
    return total / count


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--valid", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--train-lines", type=int, default=0, help="use only the first N lines (0 = all)")
    ap.add_argument("--eval-lines", type=int, default=0, help="valid/test: only the first N lines")
    ap.add_argument("--emsize", type=int, default=200)
    ap.add_argument("--nhid", type=int, default=200)
    ap.add_argument("--nlayers", type=int, default=2)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--init", type=float, default=0.1)
    ap.add_argument("--lr", type=float, default=20.0)
    ap.add_argument("--decay", type=float, default=0.5)
    ap.add_argument("--decay-after", type=int, default=4)
    ap.add_argument("--clip", type=float, default=0.25)
    ap.add_argument("--epochs", type=int, default=13)
    ap.add_argument("--batch-size", type=int, default=20)
    ap.add_argument("--bptt", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    t0 = time.time()
    train_words = words_of(a.train, a.train_lines)
    vocab = Vocab(train_words)
    train = batchify(vocab.encode(train_words), a.batch_size)
    valid = vocab.encode(words_of(a.valid, a.eval_lines))
    test = vocab.encode(words_of(a.test, a.eval_lines))

    model = RNNModel(len(vocab.ids), a.emsize, a.nhid, a.nlayers, a.dropout)
    for p in model.parameters():
        nn.init.uniform_(p, -a.init, a.init)
    best_val, best_state, lr = None, None, a.lr
    for epoch in range(1, a.epochs + 1):
        lr = a.lr * a.decay ** max(epoch - a.decay_after, 0)
        model.train()
        hidden = model.init_hidden(a.batch_size)
        for i in range(0, train.size(0) - 1, a.bptt):
            n = min(a.bptt, train.size(0) - 1 - i)
            hidden = tuple(h.detach() for h in hidden)
            model.zero_grad()
            out, hidden = model(train[i : i + n], hidden)
            loss = nn.functional.cross_entropy(out.view(-1, out.size(-1)), train[i + 1 : i + 1 + n].reshape(-1))
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            with torch.no_grad():
                for p in model.parameters():
                    p.add_(p.grad, alpha=-lr)
        val = stream_nll(model, valid, 200, min(a.batch_size, max(1, valid.numel() // 2000)))
        print(json.dumps({"epoch": epoch, "lr": lr, "val_nll": val, "elapsed_s": time.time() - t0}), flush=True)
        if best_val is None or val < best_val:
            best_val = val
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
    train_s = time.time() - t0
    model.load_state_dict(best_state)
    t1 = time.time()
    test_nll = stream_nll(model, test, 200, 1)
    print(json.dumps({"side": "pytorch", "train_s": train_s, "eval_s": time.time() - t1,
                      "best_val_nll": best_val, "test_nll": test_nll, "test_perplexity": math.exp(test_nll),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
