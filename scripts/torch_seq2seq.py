#!/usr/bin/python3
"""The PyTorch module an rnngen seq2seq model is (docs/format.md), and a check that uses it.

    /usr/bin/python3 scripts/torch_seq2seq.py loss PAIRS SEP DIR [DIR...]

For each DIR: builds Seq2Seq from DIR/config.json, loads DIR/model.safetensors with
load_state_dict(strict=True), reads PAIRS (`source SEP target` lines; char tokenizers only),
and prints one line {"nll": mean NLL per target token (end tokens included), "tokens": N}:
the figure `rnngen eval DIR PAIRS --json` prints as "nll". Exit 1 when weights do not load.
"""
import json
import os
import sys
import unicodedata

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import read_safetensors  # noqa: E402

RNN = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class Encoder(nn.Module):
    def __init__(self, vocab, embed, hidden, layers, cell, bidirectional, dropout):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.rnn = RNN[cell](embed, hidden, layers, batch_first=True, bidirectional=bidirectional,
                             dropout=dropout if layers > 1 else 0.0)


class Decoder(nn.Module):
    def __init__(self, vocab, embed, hidden, layers, cell, kind, dropout):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.rnn = RNN[cell](embed + (hidden if kind == "peeky" else 0), hidden, layers, batch_first=True,
                             dropout=dropout if layers > 1 else 0.0)
        self.dropout = nn.Dropout(dropout)  # on the top layer's output, before the output layer
        self.out = nn.Linear(hidden * (1 if kind == "plain" else 2), vocab)


class Seq2Seq(nn.Module):
    """decoder: "plain" | "peeky" | "attention". With a bidirectional encoder the decoder has
    2 * hidden units, started from each layer's [forward, backward] final states."""

    def __init__(self, vocab, embed, hidden, layers, cell="lstm", decoder="plain", bidirectional=False,
                 dropout=0.0):
        super().__init__()
        self.kind, self.cell, self.layers = decoder, cell, layers
        self.dirs = 2 if bidirectional else 1
        self.encoder = Encoder(vocab, embed, hidden, layers, cell, bidirectional, dropout)
        self.decoder = Decoder(vocab, embed, hidden * self.dirs, layers, cell, decoder, dropout)

    def forward(self, src, src_len, dec_in):
        """src [B, Ts] (already reversed within each length when the model reverses sources),
        src_len [B], dec_in [B, Td] -> logits [B, Td, V]."""
        B, Ts = src.shape
        Td = dec_in.shape[1]
        packed = nn.utils.rnn.pack_padded_sequence(self.encoder.embedding(src), src_len, batch_first=True,
                                                   enforce_sorted=False)
        out, state = self.encoder.rnn(packed)
        enc_out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=Ts)

        def merge(h):  # [L*dirs, B, H] -> [L, B, dirs*H]
            if self.dirs == 1:
                return h
            h = h.view(self.layers, 2, B, -1)
            return torch.cat([h[:, 0], h[:, 1]], dim=-1)

        state = tuple(merge(s) for s in state) if self.cell == "lstm" else merge(state)
        peek = (state[0] if self.cell == "lstm" else state)[-1]  # top layer, [B, Hd]
        x = self.decoder.embedding(dec_in)
        if self.kind == "peeky":
            x = torch.cat([peek.unsqueeze(1).expand(-1, Td, -1), x], dim=2)
        h, _ = self.decoder.rnn(x, state)
        h = self.decoder.dropout(h)
        if self.kind == "peeky":
            h = torch.cat([peek.unsqueeze(1).expand(-1, Td, -1), h], dim=2)
        elif self.kind == "attention":
            scores = h @ enc_out.transpose(1, 2)  # [B, Td, Ts]
            pad = torch.arange(Ts).unsqueeze(0) >= src_len.unsqueeze(1)  # [B, Ts]
            scores = scores.masked_fill(pad.unsqueeze(1), float("-inf"))
            h = torch.cat([torch.softmax(scores, dim=-1) @ enc_out, h], dim=2)
        return self.decoder.out(h)


def from_config(cfg):
    return Seq2Seq(cfg["vocab_size"], cfg["embed_size"], cfg["hidden_size"], cfg["num_layers"], cfg["cell"],
                   cfg["decoder"], cfg.get("bidirectional_encoder", False), cfg.get("dropout", 0.0))


def load(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    model = from_config(cfg)
    model.load_state_dict(read_safetensors(os.path.join(model_dir, "model.safetensors")), strict=True)
    model.eval()
    return cfg, model


def loss(model_dir, pairs_path, separator):
    cfg, model = load(model_dir)
    with open(os.path.join(model_dir, "tokenizer.json")) as f:
        tok = json.load(f)
    if tok["type"] != "char":
        raise SystemExit("torch_seq2seq.py: only char tokenizers are read here, not " + tok["type"])
    ids = {t: i for i, t in enumerate(tok["tokens"])}
    line = ids["\n"]
    pairs = []
    with open(pairs_path, encoding="utf-8") as f:
        for raw in f.read().split("\n"):
            if raw:
                s, t = unicodedata.normalize("NFC", raw).split(separator, 1)
                s = [ids[c] for c in s]
                pairs.append((s[::-1] if cfg.get("reverse_source") else s, [ids[c] for c in t]))
    B, Ts, Td = len(pairs), max(len(s) for s, _ in pairs), max(len(t) for _, t in pairs) + 1
    src = torch.zeros(B, Ts, dtype=torch.long)
    dec_in = torch.full((B, Td), line, dtype=torch.long)
    target = torch.full((B, Td), -100, dtype=torch.long)
    for b, (s, t) in enumerate(pairs):
        src[b, :len(s)] = torch.tensor(s)
        dec_in[b, 1:len(t) + 1] = torch.tensor(t)
        target[b, :len(t)] = torch.tensor(t)
        target[b, len(t)] = line
    with torch.no_grad():
        logits = model(src, torch.tensor([len(s) for s, _ in pairs]), dec_in)
        nll = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1),
                                          ignore_index=-100, reduction="sum")
    n = int((target != -100).sum())
    print(json.dumps({"nll": float(nll) / n, "tokens": n}))


def main():
    args = sys.argv[1:]
    if len(args) < 4 or args[0] != "loss":
        print(__doc__, file=sys.stderr)
        return 2
    for model_dir in args[3:]:
        try:
            loss(model_dir, args[1], args[2])
        except RuntimeError as e:  # load_state_dict's missing / unexpected keys and shapes
            print("torch_seq2seq.py: %s: %s" % (model_dir, str(e).replace("\n", " ")), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
