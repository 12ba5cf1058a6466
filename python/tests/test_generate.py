"""model.generate against `rnngen sample`, byte for byte."""
import threading

import pytest

import rnngen
from conftest import run_cli

CASES = [
    dict(prime="the cat", length=120, temperature=0.8, top_k=5, seed=3),
    dict(prime="dog ", length=200, temperature=1.3, top_p=0.9, seed=11),
    dict(prime="", length=150, seed=42),
    dict(prime="a mat", length=60, greedy=True, seed=1),
]


def cli_flags(case):
    flags = ["--length", case["length"], "--seed", case["seed"]]
    if case["prime"]:
        flags += ["--prime", case["prime"]]
    if "temperature" in case:
        flags += ["--temperature", case["temperature"]]
    if "top_k" in case:
        flags += ["--top-k", case["top_k"]]
    if "top_p" in case:
        flags += ["--top-p", case["top_p"]]
    if case.get("greedy"):
        flags += ["--greedy"]
    return flags


@pytest.mark.parametrize("case", CASES)
def test_generate_equals_cli_sample(model, model_dir, cli, case):
    got = "".join(model.generate(**case))
    # The CLI prints the prime, the generated text and a final newline.
    want = run_cli(cli, "sample", model_dir, *cli_flags(case)).decode()
    assert want == case["prime"] + got + "\n"
    assert len(got) > 0


def test_generate_batch_equals_generate(model):
    # Twelve prompts generate at once in one batch; each equals its own generate().
    prompts = ["the ", "home ", "", "a", "dog ", "sat on", "the mat", "cat", "ran ", "on a", "h", "t"]
    batch = model.generate_batch(prompts, length=50, temperature=0.9, seed=5)
    assert batch == ["".join(model.generate(prime=p, length=50, temperature=0.9, seed=5)) for p in prompts]
    with pytest.raises(rnngen.InputError, match="'z'"):
        model.generate_batch(["the", "zzz"], length=5)


def test_generate_streams_pieces(model):
    pieces = list(model.generate(prime="the", length=30, seed=2))
    assert len(pieces) == 30  # one character token each


def test_stop_string_ends_generation(model, model_dir, cli):
    got = "".join(model.generate(prime="the", length=300, seed=9, stop="\n"))
    want = run_cli(cli, "sample", model_dir, "--prime", "the", "--length", 300, "--seed", 9, "--stop", "\n").decode()
    assert want == "the" + got + "\n"
    assert got.endswith("\n") and got.count("\n") == 1


def test_closing_the_iterator_stops_early(model):
    stream = model.generate(prime="the", length=100000, seed=2)
    first = next(stream)
    stream.close()
    rest = list(stream)
    assert len(first) + sum(map(len, rest)) < 100000


def test_gil_is_released_while_generating(model):
    counter = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            counter[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        before = counter[0]
        model.generate_batch(["the"], length=100000, seed=1)
        during = counter[0] - before
    finally:
        stop.set()
        t.join()
    # With the GIL held for the whole call the other thread could not count at all.
    assert during > 1000


@pytest.mark.parametrize("kwargs, message", [
    (dict(temperature=-1), "--temperature"),
    (dict(top_p=0), "--top-p"),
    (dict(length=0), "--length"),
    (dict(prime="\u00e9"), "--prime"),
    (dict(skip_tokens=["zz"]), "--skip-tokens"),
    (dict(weights="fp8"), "fp8"),
])
def test_bad_options_raise_input_error(model, kwargs, message):
    with pytest.raises(rnngen.InputError, match=message):
        "".join(model.generate(**kwargs))


def test_load_errors(tmp_path):
    with pytest.raises(rnngen.InputError, match="no such model directory"):
        rnngen.load(tmp_path / "missing")
    with pytest.raises(rnngen.InputError, match="config.json"):
        rnngen.load(tmp_path)
