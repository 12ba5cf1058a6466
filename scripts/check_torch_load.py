#!/usr/bin/python3
"""Checks that an rnngen model directory loads into the contract's PyTorch module.

    /usr/bin/python3 scripts/check_torch_load.py DIR [DIR...]

Reads DIR/config.json and DIR/model.safetensors (with make_golden.py's own reader, so no
safetensors package is needed), builds RNNLM from the config, loads the tensors with
load_state_dict(strict=True) and runs a short forward pass. Several directories are checked in
one run (importing torch takes seconds). Exit status: 0 when every model loads and gives finite
log-probabilities; 1 otherwise, with the missing/unexpected keys or the
shape mismatches on stderr; 2 for a usage error.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import RNNLM, read_safetensors  # noqa: E402


def main():
    if len(sys.argv) < 2:
        print("usage: check_torch_load.py MODEL_DIR [MODEL_DIR...]", file=sys.stderr)
        return 2
    return max(check(model_dir) for model_dir in sys.argv[1:])


def check(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    if cfg.get("task", "lm") != "lm":
        print("only task 'lm' is checked, this is '%s'" % cfg["task"], file=sys.stderr)
        return 1
    model = RNNLM(cfg["vocab_size"], cfg["embed_size"], cfg["hidden_size"], cfg["num_layers"],
                  cfg["cell"])
    state = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    if cfg.get("tie_weights", False):
        # A tied model stores no decoder.weight: the decoder shares the embedding table.
        if "decoder.weight" in state:
            print("tie_weights is true but the file has decoder.weight", file=sys.stderr)
            return 1
        if "embedding.weight" in state:
            state["decoder.weight"] = state["embedding.weight"]

    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong_shape = sorted("%s: file %s, module %s" % (k, list(state[k].shape), list(expected[k].shape))
                         for k in set(state) & set(expected) if state[k].shape != expected[k].shape)
    if missing or unexpected or wrong_shape:
        for k in missing:
            print("missing key: %s" % k, file=sys.stderr)
        for k in unexpected:
            print("unexpected key: %s" % k, file=sys.stderr)
        for k in wrong_shape:
            print("wrong shape: %s" % k, file=sys.stderr)
        return 1
    model.load_state_dict(state, strict=True)
    model.eval()

    with torch.no_grad():
        ids = torch.arange(min(cfg["vocab_size"], 16)).unsqueeze(0) % cfg["vocab_size"]
        logits, _ = model(ids)
        logp = torch.log_softmax(logits, dim=-1)
    if not torch.isfinite(logp).all():
        print("forward pass gave non-finite log-probabilities", file=sys.stderr)
        return 1
    n = sum(p.numel() for p in model.parameters())
    print("ok: %s loads into RNNLM(%s, vocab %d, embed %d, hidden %d, layers %d), %d parameters"
          % (model_dir, cfg["cell"], cfg["vocab_size"], cfg["embed_size"], cfg["hidden_size"],
             cfg["num_layers"], n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
