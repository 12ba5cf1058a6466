"""The web playground in headless Chromium (Debian `chromium`; skipped without it): the page
loads, generates from a prime given in its URL, and shows the streamed text, each token
coloured by a hidden unit and titled with its top-5 next-token probabilities; for a seq2seq
model, the question box answers and the attention map is drawn."""
import html
import re

import pytest

from browser import chromium, rendered_dom
from conftest import run_cli
from test_server import sample, server  # noqa: F401  (the fixture)


@pytest.mark.skipif(not chromium(), reason="chromium is not installed")
def test_playground_generates_and_colours(server, cli, model_dir, tmp_path):  # noqa: F811
    dom = rendered_dom(server + "/?prime=the%20&length=60&go=1", tmp_path / "profile")
    status = re.search(r'id="status">([^<]*)<', dom)
    assert 'data-done="1"' in dom, status and status.group(1)
    spans = re.findall(r'<span class="tok" [^>]*style="background: (rgb\([^)]*\))[^>]*>([^<]*)</span>', dom)
    titles = re.findall(r'<span class="tok"[^>]*title="next: ([^"]*)"', dom)
    text = "".join(html.unescape(t) for _, t in spans)
    # The page's defaults (temperature 0.8, seed 7) with the URL's length.
    assert text == "the " + sample(cli, model_dir, "the ", "--length", 60, "--temperature", 0.8, "--seed", 7)
    assert len({c for c, _ in spans}) > 5  # activations differ from token to token
    assert len(titles) == len(spans) and all(t.count("%") == 5 for t in titles)


@pytest.mark.skipif(not chromium(), reason="chromium is not installed")
def test_playground_seq2seq_answers_and_draws_attention(s2s_server, s2s_dir, cli, tmp_path):  # noqa: F811
    dom = rendered_dom(s2s_server + "/?question=abcd&go=1", tmp_path / "profile")
    status = re.search(r'id="s2status">([^<]*)<', dom)
    assert 'data-done="1"' in dom, status and status.group(1)
    want = run_cli(cli, "translate", s2s_dir, "--input", "abcd").decode()[:-1]
    answer = re.search(r'<div id="answer">([^<]*)</div>', dom).group(1)
    assert html.unescape(answer) == want
    canvas = re.search(r'<canvas id="attn"[^>]*>', dom).group(0)
    attrs = dict(re.findall(r'data-(\w+)="([^"]*)"', canvas))
    # One row per answer token and <end>, one column per question token, each row a softmax.
    assert int(attrs["rows"]) == len(want) + 1 and int(attrs["cols"]) == 4
    assert all(abs(float(v) - 1) < 1e-3 for v in attrs["sums"].split(","))
    assert all(0 <= int(v) < 4 for v in attrs["argmax"].split(","))
