"""Seq2seq models from Python: translate() is what `rnngen translate` prints, and the
language-model methods refuse a seq2seq model with the CLI's message."""
import json

import numpy as np
import pytest

import rnngen
from conftest import run_cli, serving


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


def test_translate_attention_map(s2s_dir, s2s_server):
    """attention=True: the answer translate() gives without it, and the best answer's map as a
    float32 array, one softmax row (>= 0, summing to 1) per answer token and <end> over the
    source tokens; the numbers /v1/translate serves for the same request."""
    from test_server import post
    m = rnngen.load(s2s_dir)
    got = m.translate("abcd", attention=True)
    assert got["text"] == m.translate("abcd") and got["ended"] is True
    assert got["source_tokens"] == list("abcd")
    assert got["answer_tokens"] == list(got["text"]) + ["<end>"]
    a = got["attention"]
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    assert a.shape == (len(got["text"]) + 1, 4)
    assert (a >= 0).all() and np.allclose(a.sum(axis=1), 1, atol=1e-5)
    status, r = post(s2s_server, "/v1/translate", {"text": "abcd"})
    assert status == 200 and np.allclose(a, np.array(r["attention"], dtype=np.float32), rtol=0, atol=1e-6)
    # Beam search: the best of n_best carries the map, the others only their answers.
    best = m.translate("abcd", beam=3, n_best=2, attention=True)
    plain = m.translate("abcd", beam=3, n_best=2)
    assert [d["text"] for d in best] == [d["text"] for d in plain]
    assert best[0]["attention"].shape == (len(best[0]["text"]) + 1, 4) and "attention" not in best[1]
    assert np.allclose(best[0]["attention"].sum(axis=1), 1, atol=1e-5)


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
    assert all("usage" not in c for c in chunks)
    # stream_options.include_usage: "usage": null in each chunk, then a chunk with no choices
    # and the non-streaming answer's usage (as OpenAI's chat completions send it).
    status, raw = request(s2s_server + "/v1/chat/completions",
                          dict(body, stream=True, stream_options={"include_usage": True}))
    assert status == 200
    events = [e[len("data: "):] for e in raw.decode().split("\n\n") if e]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert [c["usage"] for c in chunks[:-1]] == [None] * (len(chunks) - 1)
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"] == out["usage"]
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks[:-1]) == want
    # The model list says which task the model is; bad requests get the JSON error shape.
    status, models = request(s2s_server + "/v1/models")
    assert json.loads(models)["data"][0]["task"] == "seq2seq"
    for bad, param in [({"messages": []}, "messages"), ({"messages": [{"role": "system", "content": "x"}]}, "messages"),
                       ({"messages": [{"role": "user", "content": 3}]}, "messages"),
                       ({"messages": [{"role": "user", "content": "ab"}], "max_tokens": -1}, "max_tokens"),
                       ({"messages": [{"role": "user", "content": "ab"}], "n": 2}, "n"),
                       ({"messages": [{"role": "user", "content": "ab"}], "stream_options": {"include_usage": True}},
                        "stream_options"),
                       ({"messages": [{"role": "user", "content": "ab"}], "stream": True,
                         "stream_options": {"include_usage": 1}}, "stream_options.include_usage")]:
        status, err = post(s2s_server, "/v1/chat/completions", bad)
        assert status == 400 and err["error"]["param"] == param, err
    status, err = post(s2s_server, "/v1/chat/completions", {"messages": [{"role": "user", "content": "abz"}]})
    assert status == 400 and "'z'" in err["error"]["message"]
    status, err = post(s2s_server, "/v1/completions", {"prompt": "ab"})
    assert status == 400 and "seq2seq" in err["error"]["message"], err


def test_translate_route_gives_answer_and_attention_map(s2s_server, s2s_dir, cli):
    """/v1/translate (the playground's seq2seq route): the CLI's answer, the tokens, and an
    attention map of one softmax row per answer token and <end> over the source tokens."""
    from test_server import post
    want = run_cli(cli, "translate", s2s_dir, "--input", "abcd").decode()[:-1]
    status, r = post(s2s_server, "/v1/translate", {"text": "abcd"})
    assert status == 200, r
    assert r["text"] == want and r["ended"] is True
    assert r["source_tokens"] == list("abcd")
    assert r["answer_tokens"] == list(want) + ["<end>"]
    assert len(r["attention"]) == len(want) + 1
    for row in r["attention"]:
        assert len(row) == 4 and min(row) >= 0 and sum(row) == pytest.approx(1, abs=1e-5)
    status, r2 = post(s2s_server, "/v1/translate", {"text": "abcd", "beam": 3})
    assert status == 200 and r2["text"] == run_cli(cli, "translate", s2s_dir, "--input", "abcd", "--beam", 3).decode()[:-1]
    for bad, param in [({}, "text"), ({"text": 5}, "text"), ({"text": "ab", "beam": 0}, "beam"),
                       ({"text": "ab", "beam": "2"}, "beam")]:
        status, err = post(s2s_server, "/v1/translate", bad)
        assert status == 400 and err["error"]["param"] == param, err
    status, err = post(s2s_server, "/v1/translate", {"text": "abz"})
    assert status == 400 and "'z'" in err["error"]["message"], err


def test_chat_completions_refused_by_a_language_model(model_dir, cli):
    from test_server import post
    with serving(cli, model_dir) as url:
        status, err = post(url, "/v1/chat/completions", {"messages": [{"role": "user", "content": "the"}]})
        assert status == 400 and "/v1/completions" in err["error"]["message"], err
        status, err = post(url, "/v1/translate", {"text": "the"})
        assert status == 400 and err["error"]["code"] == "wrong_task", err
