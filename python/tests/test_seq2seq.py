"""Seq2seq models from Python: translate() is what `rnngen translate` prints, and the
language-model methods refuse a seq2seq model with the CLI's message."""
import json

import pytest

import rnngen
from conftest import run_cli, serving


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


@pytest.fixture(scope="module")
def s2s_dir(workdir):
    data = workdir / "pairs.txt"
    data.write_text(reversal_pairs(200))
    out = workdir / "s2s"
    rnngen.train(data, out, task="seq2seq", separator="_", decoder="attention", hidden_size=16, embed_size=6,
                 num_layers=1, batch_size=8, threads=1, seed=3, epochs=3)
    return out


def test_translate_is_what_the_cli_prints(s2s_dir, cli):
    m = rnngen.load(s2s_dir)
    assert m.task == "seq2seq"
    for text in ["abcd", "fed", "a"]:
        cli_out = run_cli(cli, "translate", s2s_dir, "--input", text)
        assert (m.translate(text) + "\n").encode() == cli_out
        cli_json = json.loads(run_cli(cli, "translate", s2s_dir, "--input", text, "--beam", "3", "--n-best", "2",
                                      "--json"))
        got = m.translate(text, beam=3, n_best=2)
        assert [g["text"] for g in got] == [b["output"] for b in cli_json["n_best"]]
        assert [g["score"] for g in got] == pytest.approx([b["score"] for b in cli_json["n_best"]], rel=1e-12)


def test_language_model_methods_refuse_a_seq2seq_model(s2s_dir, model):
    m = rnngen.load(s2s_dir)
    with pytest.raises(rnngen.InputError, match="seq2seq model; score needs a language model"):
        m.score("abc")
    with pytest.raises(rnngen.InputError, match="seq2seq model"):
        "".join(m.generate(prime="a", length=3))
    with pytest.raises(rnngen.InputError, match="language model; translate needs a seq2seq model"):
        model.translate("the")
    with pytest.raises(rnngen.InputError, match="'z'"):
        m.translate("abz")
    with pytest.raises(rnngen.InputError, match="n_best"):
        m.translate("abc", beam=2, n_best=3)


@pytest.fixture(scope="module")
def s2s_server(cli, s2s_dir):
    with serving(cli, s2s_dir) as url:
        yield url


def test_chat_completions_answer_with_translate(s2s_server, s2s_dir, cli):
    from test_server import post, request
    want = run_cli(cli, "translate", s2s_dir, "--input", "abcd", "--beam", "2").decode()[:-1]
    body = {"messages": [{"role": "system", "content": "ignored"}, {"role": "user", "content": "fed"},
                         {"role": "assistant", "content": "def"}, {"role": "user", "content": "abcd"}],
            "beam": 2}
    status, out = post(s2s_server, "/v1/chat/completions", body)
    assert status == 200, out
    assert out["object"] == "chat.completion"
    assert out["choices"][0]["message"] == {"role": "assistant", "content": want}
    assert out["choices"][0]["finish_reason"] == "stop"
    assert out["usage"]["prompt_tokens"] == 4
    # Streaming: role, the answer, the finish, then [DONE].
    status, raw = request(s2s_server + "/v1/chat/completions", dict(body, stream=True))
    assert status == 200
    events = [e[len("data: "):] for e in raw.decode().split("\n\n") if e]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == want
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    # The model list says which task the model is; bad requests get the JSON error shape.
    status, models = request(s2s_server + "/v1/models")
    assert json.loads(models)["data"][0]["task"] == "seq2seq"
    for bad, param in [({"messages": []}, "messages"), ({"messages": [{"role": "system", "content": "x"}]}, "messages"),
                       ({"messages": [{"role": "user", "content": 3}]}, "messages"),
                       ({"messages": [{"role": "user", "content": "ab"}], "max_tokens": -1}, "max_tokens"),
                       ({"messages": [{"role": "user", "content": "ab"}], "n": 2}, "n")]:
        status, err = post(s2s_server, "/v1/chat/completions", bad)
        assert status == 400 and err["error"]["param"] == param, err
    status, err = post(s2s_server, "/v1/chat/completions", {"messages": [{"role": "user", "content": "abz"}]})
    assert status == 400 and "'z'" in err["error"]["message"]
    status, err = post(s2s_server, "/v1/completions", {"prompt": "ab"})
    assert status == 400 and "seq2seq" in err["error"]["message"], err


def test_chat_completions_refused_by_a_language_model(model_dir, cli):
    from test_server import post
    with serving(cli, model_dir) as url:
        status, err = post(url, "/v1/chat/completions", {"messages": [{"role": "user", "content": "the"}]})
        assert status == 400 and "/v1/completions" in err["error"]["message"], err
