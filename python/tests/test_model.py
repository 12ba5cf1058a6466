"""score, hidden_states, the tokenizer and train, each against an independent truth: the
command line's output, or the network recomputed in NumPy from model.safetensors."""
import json
import struct
import threading

import numpy as np
import pytest

import rnngen
from conftest import TINY_OPTIONS, run_cli


def read_safetensors(path):
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + a:8 + n + b], dtype="<f4").reshape(t["shape"])
    return out


def lstm_states(w, ids, layers):
    """PyTorch's LSTM equations (gates i, f, g, o) in float64, state after every token."""
    x_all = w["embedding.weight"][ids].astype(np.float64)
    hs, cs = [], []
    for k in range(layers):
        W_ih, W_hh = w[f"rnn.weight_ih_l{k}"], w[f"rnn.weight_hh_l{k}"]
        b = w[f"rnn.bias_ih_l{k}"] + w[f"rnn.bias_hh_l{k}"].astype(np.float64)
        H = W_hh.shape[1]
        h, c = np.zeros(H), np.zeros(H)
        out_h, out_c = [], []
        for x in x_all:
            g = W_ih @ x + W_hh @ h + b
            i, f, gg, o = (g[j * H:(j + 1) * H] for j in range(4))
            sig = lambda v: 1 / (1 + np.exp(-v))
            c = sig(f) * c + sig(i) * np.tanh(gg)
            h = sig(o) * np.tanh(c)
            out_h.append(h)
            out_c.append(c)
        x_all = np.array(out_h)
        hs.append(out_h)
        cs.append(out_c)
    return np.transpose(np.array(hs), (1, 0, 2)), np.transpose(np.array(cs), (1, 0, 2))


def test_score_equals_cli_eval(model, model_dir, cli, workdir):
    text = "the cat sat on a mat\ndog ran far home\n"
    path = workdir / "score.txt"
    path.write_text(text)
    want = json.loads(run_cli(cli, "eval", model_dir, path, "--json"))
    got = model.score(text)
    for key in ("tokens", "nll", "perplexity", "bits_per_token", "bits_per_char", "characters",
                "predicted_characters"):
        assert got[key] == want[key], key


def test_score_needs_two_tokens(model):
    with pytest.raises(rnngen.InputError, match="at least 2"):
        model.score("t")


def test_hidden_states_match_numpy_forward(model, model_dir):
    text = "the dog sat"
    h = model.hidden_states(text)
    c = model.hidden_states(text, cell=True)
    L, H = TINY_OPTIONS["num_layers"], TINY_OPTIONS["hidden_size"]
    assert h.shape == (len(text), L, H) and h.dtype == np.float32
    assert c.shape == h.shape
    w = read_safetensors(model_dir / "model.safetensors")
    want_h, want_c = lstm_states(w, model.tokenizer.encode(text), L)
    np.testing.assert_allclose(h, want_h, atol=1e-5)
    np.testing.assert_allclose(c, want_c, atol=1e-5)
    assert np.abs(h).max() > 1e-3  # a trained network, not zeros


def test_tokenizer_matches_tokenizer_json(model, model_dir):
    tokens = json.loads((model_dir / "tokenizer.json").read_text())["tokens"]
    tok = model.tokenizer
    assert tok.type == "char" and tok.vocab_size == len(tokens) == len(tok)
    ids = tok.encode("cat mat")
    assert ids == [tokens.index(ch) for ch in "cat mat"]
    assert tok.decode(ids) == "cat mat"
    assert [tok.token(i) for i in range(len(tokens))] == tokens
    with pytest.raises(rnngen.InputError):
        tok.encode("X")
    with pytest.raises(rnngen.InputError, match="outside the vocabulary"):
        tok.decode([len(tokens)])


def test_model_properties(model, model_dir):
    assert model.task == "lm"
    assert model.config["hidden_size"] == TINY_OPTIONS["hidden_size"]
    assert model.dir == str(model_dir)


def test_train_writes_the_cli_model(model_dir, data_file, cli, workdir):
    out = workdir / "cli-model"
    flags = []
    for k, v in TINY_OPTIONS.items():
        flags += ["--" + k.replace("_", "-"), v]
    run_cli(cli, "train", data_file, "--out", out, "-q", *flags)
    assert (out / "model.safetensors").read_bytes() == (model_dir / "model.safetensors").read_bytes()


def test_train_reports_progress_and_errors(data_file, workdir):
    records = []
    rnngen.train(data_file, workdir / "progress-model", progress=records.append,
                 **{**TINY_OPTIONS, "max_steps": 20, "eval_every": 10})
    assert [r["step"] for r in records][-1] == 20 and all("train_nll" in r for r in records)
    with pytest.raises(rnngen.InputError, match="--hidden-size"):
        rnngen.train(data_file, workdir / "bad", hidden_size=0)


def test_train_in_process_stops_on_ctrl_c_and_saves(data_file, workdir):
    """SIGINT during rnngen.train (in this process) ends the step, saves the model and the
    checkpoint as the command line does, then raises KeyboardInterrupt; resume=True goes on."""
    import os
    import signal
    out = workdir / "interrupted"
    records = []

    def progress(r):
        records.append(r)
        if len(records) == 1:
            os.kill(os.getpid(), signal.SIGINT)

    opts = {**TINY_OPTIONS, "max_steps": 100000, "eval_every": 5}
    with pytest.raises(KeyboardInterrupt):
        rnngen.train(data_file, out, progress=progress, **opts)
    assert records[-1]["step"] < 1000
    assert (out / "model.safetensors").exists() and (out / "checkpoint").is_dir()
    more = []
    result = rnngen.train(data_file, out, progress=more.append, **{**opts, "max_steps": records[-1]["step"] + 10,
                                                                   "resume": True})
    assert result["stopped_by"] == "max-steps" and more[-1]["step"] == records[-1]["step"] + 10


def test_train_progress_error_stops_training_and_is_raised(data_file, workdir):
    def progress(r):
        raise ValueError("stop here")

    with pytest.raises(ValueError, match="stop here"):
        rnngen.train(data_file, workdir / "progress-error", progress=progress,
                     **{**TINY_OPTIONS, "max_steps": 100000, "eval_every": 5})
    assert (workdir / "progress-error" / "model.safetensors").exists()


def test_train_releases_the_gil(data_file, workdir):
    counter, stop = [0], threading.Event()

    def spin():
        while not stop.is_set():
            counter[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        rnngen.train(data_file, workdir / "gil-model", **{**TINY_OPTIONS, "max_steps": 60})
    finally:
        stop.set()
        t.join()
    assert counter[0] > 1000
