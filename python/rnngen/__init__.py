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
import shutil as _shutil
import subprocess as _subprocess
import time as _time

from ._rnngen import InputError, Model, TextStream, Tokenizer, set_num_threads
from ._rnngen import load as _load

__all__ = ["load", "train", "Model", "Tokenizer", "TextStream", "InputError", "set_num_threads"]


def load(dir):
    """Load a model directory (config.json, tokenizer.json, model.safetensors).

    Raises InputError naming the file when the directory is not a model rnngen can load.
    """
    return _load(_os.fspath(dir))


Model.config = property(lambda self: _json.loads(self.config_json), doc="config.json as a dict")


def _cli():
    """The `rnngen` executable that train() runs: $RNNGEN_CLI, the build tree's, or PATH's."""
    path = _os.environ.get("RNNGEN_CLI")
    if path:
        return path
    try:
        from ._build_paths import CLI
        if _os.path.exists(CLI):
            return CLI
    except ImportError:
        pass
    found = _shutil.which("rnngen")
    if not found:
        raise RuntimeError("rnngen.train needs the rnngen executable: set RNNGEN_CLI or put it on PATH")
    return found


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


def train(data, out, progress=None, poll_seconds=0.2, **options):
    """Train a model as `rnngen train DATA... --out OUT` does, with the same options.

    data: a path or a list of paths. Options are the command line's flags with '_' for '-'
    (hidden_size=128 is --hidden-size 128; a True value is a bare flag, e.g. tie_weights=True).
    progress: called with each record `train_log.jsonl` gains (a dict with step, epoch,
    tokens, train_nll, val_nll, lr, tokens_per_s, elapsed_s) as training writes it.

    Runs the rnngen executable, so the model is byte for byte the one the command line
    writes with the same seed and threads. Ctrl-C (KeyboardInterrupt) stops it; its last
    checkpoint in OUT/checkpoint resumes with resume=True. Raises InputError with the
    command's message when it rejects its input (exit status 2), RuntimeError otherwise.
    """
    paths = [data] if isinstance(data, (str, bytes, _os.PathLike)) else list(data)
    out = _os.fspath(out)
    args = [_cli(), "train", *map(_os.fspath, paths), "--out", out, "-q", *_flags(options)]
    log = _os.path.join(out, "train_log.jsonl")
    seen = 0
    if progress is not None and options.get("resume") and _os.path.exists(log):
        with open(log, "rb") as f:
            seen = len(f.read())

    def report():
        nonlocal seen
        if progress is None or not _os.path.exists(log):
            return
        with open(log, "rb") as f:
            f.seek(seen)
            chunk = f.read()
        end = chunk.rfind(b"\n") + 1  # only whole lines: the writer may be mid-line
        for line in chunk[:end].splitlines():
            if line.strip():
                progress(_json.loads(line))
        seen += end

    proc = _subprocess.Popen(args, stdout=_subprocess.DEVNULL, stderr=_subprocess.PIPE)
    try:
        while proc.poll() is None:
            report()
            _time.sleep(poll_seconds)
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait()
        raise
    err = proc.stderr.read().decode("utf-8", "replace").strip()
    report()
    if proc.returncode == 2:
        raise InputError(err.removeprefix("rnngen: "))
    if proc.returncode != 0:
        raise RuntimeError(err or f"rnngen train exited with status {proc.returncode}")
