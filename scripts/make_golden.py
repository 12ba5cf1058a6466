#!/usr/bin/python3
"""Writes the PyTorch golden files that the C++ tests compare against (tests/golden/).

Run with Debian's python3-torch:  /usr/bin/python3 scripts/make_golden.py [OUT_DIR]

For each case (tests/golden/cases.json) one safetensors file holds the model's parameters,
the inputs, and what PyTorch computes from them: logits, mean cross-entropy loss, final states
and the gradient of the loss with respect to every parameter and to h0/c0. Every stored value
is float32, but the reference is computed in float64 from exactly those float32 values, so
the only error the C++ float32 run is measured against is its own.

It also writes torch_model/ (a model directory saved from PyTorch, per the contract) with a
text and PyTorch's own NLL on it, for the `rnngen eval` acceptance test.

The outputs are committed; CI does not need torch. Re-running reproduces them bit for bit on
the same torch build (seeded, one thread).
"""
import json
import math
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "tests", "golden")


class RNNLM(torch.nn.Module):
    """The contract's language model (shared/docs/contract.md), verbatim: its state_dict names
    are the tensor names of model.safetensors."""

    def __init__(self, vocab_size, embed_size, hidden_size, num_layers, cell):
        super().__init__()
        self.vocab_size = vocab_size
        if embed_size > 0:
            self.embedding = torch.nn.Embedding(vocab_size, embed_size)
        else:
            self.embedding = None
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
        self.rnn = rnn(embed_size or vocab_size, hidden_size, num_layers, batch_first=True)
        self.decoder = torch.nn.Linear(hidden_size, vocab_size)

    def forward(self, ids, state=None):
        """ids: [B, T] int64 -> logits [B, T, V], final state (h or (h, c), each [L, B, H])."""
        if self.embedding is not None:
            x = self.embedding(ids)
        else:
            x = torch.nn.functional.one_hot(ids, self.vocab_size).to(self.decoder.weight.dtype)
        out, state = self.rnn(x, state)
        return self.decoder(out), state


# --- safetensors, written by hand so that the files depend on nothing but this script -----

def write_safetensors(path, tensors):
    """tensors: list of (name, torch tensor). Every tensor is stored as little-endian F32 in the
    given order; the header is padded with spaces to a multiple of 8 bytes, as the reference
    implementation does, so the data starts aligned."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors:
        t = t.detach().to(torch.float32).contiguous()
        data = struct.pack("<%df" % t.numel(), *t.flatten().tolist())
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * (-len(head) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path):
    """-> {name: float32 tensor}. Accepts F32 only (what rnngen writes)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError("%s: tensor %s has dtype %s, expected F32" % (path, name, info["dtype"]))
        b, e = info["data_offsets"]
        vals = struct.unpack("<%df" % ((e - b) // 4), data[b:e])
        out[name] = torch.tensor(vals, dtype=torch.float32).reshape(info["shape"])
    return out


# --- golden cases ------------------------------------------------------------------------

VOCAB, BATCH, SEQ = 37, 3, 7

# Every cell with embed 0 and 11, hidden 1, 13 and 64, and 1 to 3 layers. Hidden 64 appears
# once (as a GRU, where it costs 3 gates rather than LSTM's 4) to keep the files small.
CASES = [
    dict(cell="lstm", embed_size=11, hidden_size=13, num_layers=2),
    dict(cell="lstm", embed_size=0, hidden_size=1, num_layers=1),
    dict(cell="lstm", embed_size=0, hidden_size=13, num_layers=3, ignore_some_targets=True),
    dict(cell="gru", embed_size=11, hidden_size=13, num_layers=1),
    dict(cell="gru", embed_size=0, hidden_size=1, num_layers=3),
    dict(cell="gru", embed_size=11, hidden_size=64, num_layers=1),
    dict(cell="rnn", embed_size=0, hidden_size=13, num_layers=2, ignore_some_targets=True),
    dict(cell="rnn", embed_size=11, hidden_size=1, num_layers=3),
]

IGNORE = -1  # the target value that is not counted (RnnLm: any target < 0)


def case_name(c):
    return "%s_e%d_h%d_l%d" % (c["cell"], c["embed_size"], c["hidden_size"], c["num_layers"])


def make_case(c, out_dir):
    cell, E, H, L = c["cell"], c["embed_size"], c["hidden_size"], c["num_layers"]
    model = RNNLM(VOCAB, E, H, L, cell)  # PyTorch's default init: nonzero random biases
    # Draw everything in float32, then compute in float64: float32 values are exact in float64,
    # so the reference is the exact answer (to float64 rounding) for the stored inputs.
    ids = torch.randint(0, VOCAB, (BATCH, SEQ))
    targets = torch.randint(0, VOCAB, (BATCH, SEQ))
    if c.get("ignore_some_targets"):
        targets[0, 2] = IGNORE
        targets[2, 6] = IGNORE
    h0 = torch.empty(L, BATCH, H).uniform_(-0.8, 0.8)
    c0 = torch.empty(L, BATCH, H).uniform_(-0.8, 0.8) if cell == "lstm" else None

    model = model.double()
    h0d = h0.double().requires_grad_()
    c0d = c0.double().requires_grad_() if c0 is not None else None
    logits, state = model(ids, (h0d, c0d) if cell == "lstm" else h0d)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, VOCAB), targets.reshape(-1),
                                             ignore_index=IGNORE)  # mean over counted targets
    leaves = [p for _, p in model.named_parameters()] + [h0d] + ([c0d] if c0d is not None else [])
    grads = torch.autograd.grad(loss, leaves)

    tensors = [("input/ids", ids), ("input/targets", targets), ("input/h0", h0)]
    if c0 is not None:
        tensors.append(("input/c0", c0))
    names = [n for n, _ in model.named_parameters()]
    tensors += [("param/" + n, p) for n, p in model.named_parameters()]
    tensors += [("expect/logits", logits), ("expect/loss", loss.reshape(1))]
    if cell == "lstm":
        tensors += [("expect/h_n", state[0]), ("expect/c_n", state[1])]
    else:
        tensors += [("expect/h_n", state)]
    tensors += [("grad/" + n, g) for n, g in zip(names, grads)]
    tensors.append(("grad/h0", grads[len(names)]))
    if c0d is not None:
        tensors.append(("grad/c0", grads[len(names) + 1]))

    file = case_name(c) + ".safetensors"
    write_safetensors(os.path.join(out_dir, file), tensors)
    entry = dict(name=case_name(c), file=file, cell=cell, vocab_size=VOCAB, embed_size=E,
                 hidden_size=H, num_layers=L, batch=BATCH, seq_len=SEQ,
                 counted=int((targets != IGNORE).sum()))
    return entry


# --- a model directory written by PyTorch, and PyTorch's NLL on a text -----------------------

# The text defines the vocabulary (its distinct characters) and is what the model is scored on.
EVAL_TEXT = (
    "The quick brown fox jumps over the lazy dog, then naps in the warm sun.\n"
    "A small recurrent network reads one character at a time and guesses the next;\n"
    "its hidden state carries what it has seen so far from line to line.\n"
    "Pack my box with five dozen liquor jugs! How vexingly quick daft zebras jump.\n"
    "Sphinx of black quartz, judge my vow: 12 + 30 = 42, and 7 * 6 is 42 too.\n"
)

TORCH_MODEL = dict(cell="lstm", embed_size=8, hidden_size=16, num_layers=2)


def make_torch_model(out_dir):
    tokens = sorted(set(EVAL_TEXT))
    index = {ch: i for i, ch in enumerate(tokens)}
    ids = torch.tensor([index[ch] for ch in EVAL_TEXT])
    V = len(tokens)
    m = TORCH_MODEL
    model = RNNLM(V, m["embed_size"], m["hidden_size"], m["num_layers"], m["cell"])

    # A few Adam steps so that the weights are not just the initial ones (the NLL then depends
    # on every tensor being loaded and used the right way); random would do as well.
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(30):
        logits, _ = model(ids[:-1].unsqueeze(0))
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), ids[1:])
        opt.zero_grad()
        loss.backward()
        opt.step()

    model_dir = os.path.join(out_dir, "torch_model")
    os.makedirs(model_dir, exist_ok=True)
    config = {"format": "rnngen", "format_version": 1, "task": "lm", "cell": m["cell"],
              "vocab_size": V, "embed_size": m["embed_size"], "hidden_size": m["hidden_size"],
              "num_layers": m["num_layers"], "dropout": 0.0, "tie_weights": False}
    with open(os.path.join(model_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    with open(os.path.join(model_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump({"type": "char", "tokens": tokens, "unk": None}, f, ensure_ascii=False)
        f.write("\n")
    write_safetensors(os.path.join(model_dir, "model.safetensors"),
                      list(model.state_dict().items()))
    with open(os.path.join(out_dir, "torch_eval_text.txt"), "w", encoding="utf-8", newline="") as f:
        f.write(EVAL_TEXT)

    # The contract's NLL: zero initial state, the whole text as one stream, in float64 from the
    # float32 weights as stored.
    model = model.double()
    with torch.no_grad():
        logits, _ = model(ids.unsqueeze(0))
        logp = torch.log_softmax(logits[0, :-1], dim=-1)
        nll = -logp.gather(1, ids[1:].unsqueeze(1)).mean().item()
    result = {"tokens": len(ids), "nll": nll, "perplexity": math.exp(nll),
              "bits_per_token": nll / math.log(2)}
    with open(os.path.join(out_dir, "torch_eval.json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    return result


def main():
    out_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT)
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    torch.manual_seed(20240601)
    entries = [make_case(c, out_dir) for c in CASES]
    with open(os.path.join(out_dir, "cases.json"), "w") as f:
        json.dump({"note": "written by scripts/make_golden.py; layout in tests/golden/README.md",
                   "cases": entries}, f, indent=2)
        f.write("\n")
    ev = make_torch_model(out_dir)
    total = 0
    for root, _, files in os.walk(out_dir):
        total += sum(os.path.getsize(os.path.join(root, n)) for n in files)
    print("wrote %d cases and torch_model/ to %s (%d bytes); torch eval nll %.6f"
          % (len(entries), out_dir, total, ev["nll"]))


if __name__ == "__main__":
    main()
