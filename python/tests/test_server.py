"""`rnngen serve` started on a free port and hit over HTTP: every endpoint, streaming and not,
the completion text against `rnngen sample`, and each kind of bad request against its 4xx."""
import json
import math
import re
import subprocess
import threading
import urllib.error
import urllib.request

import pytest

from conftest import run_cli, serving


@pytest.fixture(scope="module")
def server(cli, model_dir):
    with serving(cli, model_dir, "--max-tokens", "500", "--max-body", "100000") as url:
        yield url


def request(url, body=None, method=None):
    """(status, raw bytes) of a request; body is a dict (sent as JSON) or raw bytes."""
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def post(server, path, body):
    status, raw = request(server + path, body)
    return status, json.loads(raw)


def sample(cli, model_dir, prime, *flags):
    out = run_cli(cli, "sample", model_dir, "--prime", prime, *flags).decode()
    assert out.startswith(prime) and out.endswith("\n")
    return out[len(prime):-1]


def test_health_and_models(server):
    assert request(server + "/health") == (200, b'{"status":"ok"}')
    status, body = request(server + "/v1/models")
    models = json.loads(body)
    assert status == 200 and models["object"] == "list"
    assert [m["id"] for m in models["data"]] == ["model"] and models["data"][0]["task"] == "lm"


def test_completion_equals_cli_sample(server, cli, model_dir):
    status, r = post(server, "/v1/completions", {"model": "model", "prompt": "the cat", "max_tokens": 80,
                                                 "temperature": 0.7, "top_k": 6, "top_p": 0.95, "seed": 4})
    assert status == 200 and r["object"] == "text_completion"
    want = sample(cli, model_dir, "the cat", "--length", 80, "--temperature", 0.7, "--top-k", 6, "--top-p", 0.95,
                  "--seed", 4)
    assert r["choices"][0]["text"] == want and r["choices"][0]["finish_reason"] == "length"
    assert r["usage"] == {"prompt_tokens": 7, "completion_tokens": 80, "total_tokens": 87}


def test_list_prompt_and_n(server, cli, model_dir):
    status, r = post(server, "/v1/completions", {"prompt": ["dog", "a mat"], "n": 2, "max_tokens": 30, "seed": 10})
    assert status == 200
    got = {c["index"]: c["text"] for c in r["choices"]}
    # Choice j of a prompt draws with seed + j.
    for i, prompt in enumerate(["dog", "a mat"]):
        for j in range(2):
            assert got[i * 2 + j] == sample(cli, model_dir, prompt, "--length", 30, "--seed", 10 + j)


def test_stream_equals_cli_sample(server, cli, model_dir):
    body = json.dumps({"prompt": "home", "max_tokens": 60, "seed": 8, "stream": True, "temperature": 1.2}).encode()
    status, raw = request(server + "/v1/completions", body)
    assert status == 200
    events = raw.decode().split("\n\n")
    assert events[-1] == "" and events[-2] == "data: [DONE]"
    chunks = [json.loads(e.removeprefix("data: ")) for e in events[:-2]]
    assert all(e.startswith("data: ") for e in events[:-1])
    text = "".join(c["choices"][0]["text"] for c in chunks)
    assert text == sample(cli, model_dir, "home", "--length", 60, "--seed", 8, "--temperature", 1.2)
    # The server sends the tokens that are ready in one chunk (at least the first token alone).
    assert len(chunks) >= 2 and chunks[-1]["choices"][0]["finish_reason"] == "length"
    assert all("usage" not in c for c in chunks)


def test_stream_include_usage(server, cli, model_dir):
    # OpenAI's stream_options.include_usage: "usage": null in every chunk, then one more chunk
    # with no choices and the request's usage, before [DONE].
    body = {"prompt": "home", "max_tokens": 60, "seed": 8, "stream": True, "n": 2,
            "stream_options": {"include_usage": True}}
    status, raw = request(server + "/v1/completions", body)
    assert status == 200
    events = raw.decode().split("\n\n")
    assert events[-2:] == ["data: [DONE]", ""]
    chunks = [json.loads(e.removeprefix("data: ")) for e in events[:-2]]
    assert all(c["usage"] is None for c in chunks[:-1])
    assert chunks[-1]["choices"] == [] and chunks[-1]["object"] == "text_completion"
    assert chunks[-1]["usage"] == {"prompt_tokens": 4, "completion_tokens": 120, "total_tokens": 124}
    for j in range(2):
        text = "".join(c["choices"][0]["text"] for c in chunks[:-1] if c["choices"][0]["index"] == j)
        assert text == sample(cli, model_dir, "home", "--length", 60, "--seed", 8 + j)
    for bad, param in [({"stream_options": {"include_usage": True}}, "stream_options"),
                       ({"stream": True, "stream_options": 3}, "stream_options"),
                       ({"stream": True, "stream_options": {"include_usage": "yes"}}, "stream_options.include_usage")]:
        status, r = post(server, "/v1/completions", {"prompt": "home", **bad})
        assert status == 400 and r["error"]["param"] == param, bad


def test_stop_and_echo(server, cli, model_dir):
    status, r = post(server, "/v1/completions", {"prompt": "the", "max_tokens": 300, "seed": 9, "stop": ["\n"],
                                                 "echo": True})
    assert status == 200
    want = sample(cli, model_dir, "the", "--length", 300, "--seed", 9, "--stop", "\n")
    assert r["choices"][0]["text"] == "the" + want and r["choices"][0]["finish_reason"] == "stop"


def test_concurrent_requests_each_equal_cli(server, cli, model_dir):
    results = {}

    def one(seed):
        results[seed] = post(server, "/v1/completions", {"prompt": "sat ", "max_tokens": 200, "seed": seed})

    threads = [threading.Thread(target=one, args=(s,)) for s in range(20, 26)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for seed, (status, r) in results.items():
        assert status == 200
        assert r["choices"][0]["text"] == sample(cli, model_dir, "sat ", "--length", 200, "--seed", seed)


def stream_text(server, body):
    status, raw = request(server + "/v1/completions", json.dumps(dict(body, stream=True)).encode())
    assert status == 200
    events = raw.decode().split("\n\n")
    assert events[-2] == "data: [DONE]"
    return "".join(json.loads(e.removeprefix("data: "))["choices"][0]["text"] for e in events[:-2])


def test_sixteen_batched_streams_each_equal_cli(server, cli, model_dir):
    """16 generations at once share one batch (continuous batching, issue 19), each with its own
    prompt, seed, temperature, top-k/top-p and stop; half stream, half do not; a 17th client
    drops its connection after a few events. Each text is still the CLI's for its options, and
    the non-streaming ones' logprobs (log softmax of the logits, printed to 17 digits) are
    exactly those of the same request run alone: a last-bit difference in the batched logits,
    which would rarely change a sampled token, shows there."""
    settings = []
    for i in range(16):
        body = {"prompt": ["sat ", "the", "a", "dog on "][i % 4], "max_tokens": 120 + 10 * i, "seed": 40 + i,
                "temperature": [1.0, 0.6, 1.3, 0.9][i % 4]}
        flags = ["--length", body["max_tokens"], "--seed", body["seed"], "--temperature", body["temperature"]]
        if i % 3 == 1:
            body["top_k"] = 4
            flags += ["--top-k", 4]
        if i % 3 == 2:
            body["top_p"] = 0.85
            flags += ["--top-p", 0.85]
        if i % 5 == 4:
            body["stop"] = "\n"
            flags += ["--stop", "\n"]
        settings.append((body, flags))
    results = {}

    def one(i):
        body, _ = settings[i]
        if i % 2:
            status, r = post(server, "/v1/completions", dict(body, logprobs=2))
            results[i] = r["choices"][0] if status == 200 else status
        else:
            results[i] = stream_text(server, body)

    def dropper():
        req = urllib.request.Request(server + "/v1/completions", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"prompt": "the", "max_tokens": 400, "seed": 1,
                                                      "stream": True}).encode())
        with urllib.request.urlopen(req, timeout=60) as r:
            for _ in range(3):
                r.readline()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(16)] + [threading.Thread(target=dropper)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, (body, flags) in enumerate(settings):
        text = results[i]["text"] if i % 2 else results[i]
        assert text == sample(cli, model_dir, body["prompt"], *flags), f"stream {i}: {body}"
        if i % 2:
            status, alone = post(server, "/v1/completions", dict(body, logprobs=2))
            assert status == 200 and alone["choices"][0]["logprobs"] == results[i]["logprobs"], f"stream {i}"


def test_score_equals_cli_eval(server, cli, model_dir, workdir):
    text = "the dog ran home\non a mat\n"
    path = workdir / "serve-score.txt"
    path.write_text(text)
    want = json.loads(run_cli(cli, "eval", model_dir, path, "--json"))
    status, got = post(server, "/v1/score", {"text": text})
    assert status == 200
    for key in ("tokens", "nll", "perplexity", "bits_per_token", "bits_per_char"):
        assert got[key] == want[key], key


def test_tokenize_detokenize(server, model_dir):
    tokens = json.loads((model_dir / "tokenizer.json").read_text())["tokens"]
    status, r = post(server, "/tokenize", {"text": "cat"})
    assert status == 200 and r == {"tokens": [tokens.index(c) for c in "cat"], "count": 3}
    status, r = post(server, "/detokenize", {"tokens": r["tokens"]})
    assert status == 200 and r == {"text": "cat"}


BAD = [
    ("/v1/completions", b'{"prompt": "the", ', 400, None),
    ("/v1/completions", b'[1, 2]', 400, None),
    ("/v1/completions", {"prompt": "the", "max_tokens": "ten"}, 400, "max_tokens"),
    ("/v1/completions", {"prompt": "the", "max_tokens": -3}, 400, "max_tokens"),
    ("/v1/completions", {"prompt": "the", "max_tokens": 10**12}, 400, "max_tokens"),
    ("/v1/completions", {"prompt": "the", "temperature": 7}, 400, "temperature"),
    ("/v1/completions", {"prompt": "the", "top_p": 0}, 400, "top_p"),
    ("/v1/completions", {"prompt": "the", "n": 0}, 400, "n"),
    ("/v1/completions", {"prompt": 5}, 400, "prompt"),
    ("/v1/completions", {"prompt": "QQQ"}, 400, "prompt"),
    ("/v1/completions", b'{"prompt": "\xff\xfe"}', 400, None),
    ("/v1/completions", {"prompt": "the", "model": "gpt-4"}, 404, "model"),
    ("/v1/completions", {"prompt": "x" * 200000}, 413, None),
    ("/v1/score", {"text": 3}, 400, "text"),
    ("/detokenize", {"tokens": [10**6]}, 400, "tokens"),
    ("/v1/nothing", {}, 404, None),
]


@pytest.mark.parametrize("path, body, status, param", BAD)
def test_bad_requests_get_json_errors(server, path, body, status, param):
    got, raw = request(server + path, body)
    assert got == status
    error = json.loads(raw)["error"]
    assert error["message"] and error["type"]
    assert error["param"] == param


def test_server_survives_bad_requests(server):
    assert request(server + "/health")[0] == 200


def test_official_openai_node_client(server, cli, model_dir):
    """Needs Debian's nodejs and the `openai` npm package (v4) where node finds it: NODE_PATH or
    RNNGEN_OPENAI_NODE_MODULES naming a node_modules folder (docs/server.md)."""
    import os
    import shutil
    from pathlib import Path

    modules = os.environ.get("RNNGEN_OPENAI_NODE_MODULES") or os.environ.get("NODE_PATH")
    node = shutil.which("node")
    if not node or not modules or not (Path(modules) / "openai").is_dir():
        pytest.skip("nodejs with the openai npm package is not installed")
    # An ES module resolves packages from its own folder up, not NODE_PATH: run a copy placed
    # next to the node_modules folder.
    script = Path(modules).parent / "rnngen_openai_client.mjs"
    shutil.copy(Path(__file__).with_name("openai_client.mjs"), script)
    r = subprocess.run([node, script, server + "/v1", "model", "the ", "50", "12"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    want = sample(cli, model_dir, "the ", "--length", 50, "--seed", 12, "--temperature", 0.8)
    assert got["text"] == want and got["streamed"] == want
    assert got["usage"]["completion_tokens"] == 50
    assert got["error"] == {"status": 400, "param": "max_tokens"}


def test_playground_page(server):
    status, raw = request(server + "/")
    page = raw.decode()
    assert status == 200 and "<title>rnngen playground</title>" in page
    # Offline: nothing is fetched from another host.
    assert "http://" not in page and "https://" not in page


def test_inspect_matches_hidden_states_and_greedy_sample(server, model, cli, model_dir):
    text = "the cat sat"
    status, r = post(server, "/v1/inspect", {"text": text, "top": 5, "layer": 1})
    assert status == 200
    assert r["pieces"] == list(text) and r["tokens"] == len(text) and r["layer"] == 1
    h = model.hidden_states(text)
    H = r["hidden"]
    for t in range(len(text)):
        assert r["h"][t * H:(t + 1) * H] == pytest.approx(h[t, 1].tolist(), abs=6e-4)
    for t in (2, 6):
        probs = [p for _, p in r["top"][t]]
        assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-6
        # The most likely next token is what a greedy sample after text[:t+1] writes.
        assert r["top"][t][0][0] == sample(cli, model_dir, text[:t + 1], "--greedy", "--length", 1)
    assert post(server, "/v1/inspect", {"text": text, "layer": 9})[0] == 400


def test_train_log_route(server, model_dir):
    status, raw = request(server + "/v1/train_log")
    lines = (model_dir / "train_log.jsonl").read_text().splitlines()
    assert status == 200 and json.loads(raw) == [json.loads(line) for line in lines] and lines


def test_logprobs_match_inspect(server, cli, model_dir):
    prompt = "the cat"
    body = {"prompt": prompt, "max_tokens": 20, "seed": 13, "logprobs": 3}
    status, r = post(server, "/v1/completions", body)
    assert status == 200
    choice = r["choices"][0]
    lp = choice["logprobs"]
    text = choice["text"]
    assert text == sample(cli, model_dir, prompt, "--length", 20, "--seed", 13)  # logprobs change nothing
    assert "".join(lp["tokens"]) == text and len(lp["token_logprobs"]) == 20
    assert lp["text_offset"] == list(range(20))
    # The distribution after prompt + text[:t], from the inspect route's own token-by-token pass.
    status, ins = post(server, "/v1/inspect", {"text": prompt + text, "top": 5})
    for t in range(20):
        top = ins["top"][len(prompt) - 1 + t]
        want = {tok: math.log(p) for tok, p in top[:3]}
        got = lp["top_logprobs"][t]
        assert list(got) == list(want)
        for tok in want:
            assert got[tok] == pytest.approx(want[tok], abs=1e-4)
        assert lp["token_logprobs"][t] <= max(got.values()) + 1e-9
        if text[t] in got:
            assert lp["token_logprobs"][t] == pytest.approx(got[text[t]], abs=1e-12)
    # Streaming carries the same figures, chunk by chunk.
    status, raw = request(server + "/v1/completions", {**body, "stream": True})
    chunks = [json.loads(e[6:]) for e in raw.decode().split("\n\n") if e.startswith("data: {")]
    streamed = [c["choices"][0]["logprobs"] for c in chunks if c["choices"][0]["text"]]
    assert sum((c["token_logprobs"] for c in streamed), []) == lp["token_logprobs"]
    assert sum((c["text_offset"] for c in streamed), []) == lp["text_offset"]
