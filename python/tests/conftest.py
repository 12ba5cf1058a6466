"""Shared fixtures: a tiny model trained once per session through rnngen.train, and the
rnngen executable whose output is the truth the module is held to."""
import contextlib
import os
import re
import subprocess

import pytest

import rnngen


def tiny_corpus(lines=80):
    """About 2 KB of lines of words from a 10-word list, as tests/cli/cli_fixtures.h makes it."""
    words = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "far", "home"]
    x = 12345
    out = []
    for _ in range(lines):
        row = []
        for _ in range(6):
            x = (x * 1664525 + 1013904223) % 2**32
            row.append(words[(x >> 16) % 10])
        out.append(" ".join(row))
    return "\n".join(out) + "\n"


TINY_OPTIONS = dict(hidden_size=16, embed_size=8, num_layers=2, seq_len=16, batch_size=4, threads=1,
                    seed=7, max_steps=40)


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("rnngen")


@pytest.fixture(scope="session")
def data_file(workdir):
    path = workdir / "data.txt"
    path.write_text(tiny_corpus())
    return path


@pytest.fixture(scope="session")
def cli():
    """The `rnngen` executable the tests compare with: $RNNGEN_CLI, or the build tree's."""
    path = os.environ.get("RNNGEN_CLI")
    if path:
        return path
    from rnngen._build_paths import CLI
    return CLI


@pytest.fixture(scope="session")
def model_dir(workdir, data_file):
    out = workdir / "model"
    rnngen.train(data_file, out, **TINY_OPTIONS)
    return out


@pytest.fixture(scope="session")
def model(model_dir):
    return rnngen.load(model_dir)


def reversal_pairs(n, seed=99):
    """'abc_cba' lines: 1-5 letters and their reversal (tests/cli/seq2seq_cli_test.cc's data)."""
    x, out = seed, []
    for _ in range(n):
        x = (x * 1664525 + 1013904223) % 2**32
        k = 1 + (x >> 16) % 5
        s = ""
        for _ in range(k):
            x = (x * 1664525 + 1013904223) % 2**32
            s += chr(ord("a") + (x >> 16) % 6)
        out.append(s + "_" + s[::-1])
    return "\n".join(out) + "\n"


@pytest.fixture(scope="session")
def s2s_dir(workdir):
    data = workdir / "pairs.txt"
    data.write_text(reversal_pairs(200))
    out = workdir / "s2s"
    rnngen.train(data, out, task="seq2seq", separator="_", decoder="attention", hidden_size=16, embed_size=6,
                 num_layers=1, batch_size=8, threads=1, seed=3, epochs=3)
    return out


@pytest.fixture(scope="session")
def s2s_server(cli, s2s_dir):
    with serving(cli, s2s_dir) as url:
        yield url


@contextlib.contextmanager
def serving(cli, model_dir, *flags):
    """`rnngen serve MODEL_DIR --port 0 FLAGS...` running; yields its base URL."""
    proc = subprocess.Popen([cli, "serve", model_dir, "--port", "0", *flags], stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert m, line
        yield f"http://127.0.0.1:{m.group(1)}"
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def run_cli(cli, *args):
    r = subprocess.run([cli, *(a if isinstance(a, (str, os.PathLike)) else str(a) for a in args)], capture_output=True)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout
