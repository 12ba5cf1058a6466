"""rnngen: recurrent-network language models, from Python.

    import rnngen
    m = rnngen.load("DIR")                       # a directory written by `rnngen train`
    text = "".join(m.generate(prime="ROMEO:", length=300, temperature=0.8, top_k=20, seed=7))
    m.score("some text")                          # the figures of `rnngen eval --json`
    m.hidden_states("some text")                  # NumPy float32 [tokens, layers, hidden]
    m.tokenizer.encode("abc"), m.tokenizer.decode([1, 2])
    rnngen.train("data.txt", "DIR", hidden_size=128, max_steps=500, seed=1, progress=print)

`generate` with a seed yields exactly the text `rnngen sample --prime ... --seed ...` prints
after the prime. Computation runs with the GIL released. Bad input raises rnngen.InputError
(a ValueError) with the command line's message.
"""
import json as _json
import os as _os

from ._rnngen import InputError, Model, TextStream, Tokenizer, set_num_threads
from ._rnngen import _train
from ._rnngen import load as _load

__all__ = ["load", "train", "Model", "Tokenizer", "TextStream", "InputError", "set_num_threads"]


def load(dir):
    """Load a model directory (config.json, tokenizer.json, model.safetensors).

    Raises InputError naming the file when the directory is not a model rnngen can load.
    """
    return _load(_os.fspath(dir))


Model.config = property(lambda self: _json.loads(self.config_json), doc="config.json as a dict")


def _flags(options):
    args = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            args.append(flag)
        elif value is False or value is None:
            continue
        else:
            args += [flag, str(value)]
    return args


def train(data, out, progress=None, **options):
    """Train a model as `rnngen train DATA... --out OUT` does, with the same options.

    data: a path or a list of paths. Options are the command line's flags with '_' for '-'
    (hidden_size=128 is --hidden-size 128; a True value is a bare flag, e.g. tie_weights=True).
    progress: called with each record `train_log.jsonl` gains (a dict with step, epoch,
    tokens, train_nll, val_nll, lr, tokens_per_s, elapsed_s) as training writes it.

    Runs in this process through the library's rnngen::train_model (include/rnngen/train.h) with
    the GIL released, parsing the same flags as the command line, so the model is byte for
    byte the one the command line writes with the same seed and threads. Ctrl-C stops it as
    it stops the command (the step ends, the checkpoint and model are saved) and then raises
    KeyboardInterrupt; its checkpoint in OUT/checkpoint resumes with resume=True. An exception
    raised by progress stops it the same way and is re-raised. Returns a dict: steps, tokens,
    best_val_nll, last_train_nll, elapsed_s, stopped_by. Raises InputError with the command's
    message for bad options and input, RuntimeError otherwise. (threads= sets the process's
    GEMM threads, as set_num_threads does.)
    """
    paths = [data] if isinstance(data, (str, bytes, _os.PathLike)) else list(data)
    args = [*map(_os.fspath, paths), "--out", _os.fspath(out), "-q", *_flags(options)]
    on_log = None if progress is None else (lambda record: progress(_json.loads(record)))
    result = _train(args, on_log)
    if result.pop("signal"):
        raise KeyboardInterrupt
    return result
