"""helpers.coding: the quantisation the arithmetic coder of notebook 02 relies on, and the leaderboard (issue 27)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from helpers import coding, probes

T = 1 << coding.PRECISION


def random_rows(rng: np.random.Generator, n: int, k: int, dtype=np.float64) -> np.ndarray:
    rows = rng.dirichlet(np.full(k, float(rng.choice([0.01, 0.3, 3.0]))), size=n)
    rows[rng.random(rows.shape) < 0.1] = 0.0
    rows[:, 0] += 1e-3
    return (rows * rng.uniform(0.5, 2.0)).astype(dtype)


def test_quantize_sums_to_t_keeps_every_nonzero_symbol_and_zeroes_the_impossible():
    rng = np.random.default_rng(0)
    for _ in range(200):
        probs = random_rows(rng, int(rng.integers(1, 20)), int(rng.integers(1, 600)))
        freq = coding.quantize(probs)
        assert freq.dtype == np.int64 and freq.shape == probs.shape
        assert np.all(freq.sum(axis=1) == T)
        assert np.all(freq[probs > 0] >= 1) and np.all(freq[probs == 0] == 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_row_gets_the_same_frequencies_alone_or_in_a_batch(dtype):
    """The encoder quantises [n, K] at once, the decoder one vector at a time: they must agree exactly."""
    rng = np.random.default_rng(1)
    for _ in range(100):
        probs = random_rows(rng, int(rng.integers(1, 30)), int(rng.integers(1, 1500)), dtype)
        batch = coding.quantize(probs)
        for i, row in enumerate(probs):
            assert np.array_equal(coding.quantize(row), batch[i])
            assert np.array_equal(coding.quantize(list(row)), batch[i])


def test_quantisation_cost_per_symbol_is_within_the_stated_bound():
    rng = np.random.default_rng(2)
    for _ in range(100):
        probs = random_rows(rng, 10, int(rng.integers(2, 300)))
        p = probs / probs.sum(axis=1, keepdims=True)
        q = coding.quantize(probs) / T
        m = (probs > 0).sum(axis=1, keepdims=True)
        bound = np.vectorize(coding.quantization_bound)(m)
        extra = np.where(probs > 0, np.log2(np.where(probs > 0, p, 1) / np.where(probs > 0, q, 1)), 0.0)
        assert np.all(extra <= bound + 1e-12)
    assert coding.quantization_bound(4) == pytest.approx(math.log2(T / (T - 4)))


def test_quantize_exact_cases_and_inputs():
    assert coding.quantize([0.5, 0.5]).tolist() == [T // 2, T // 2]
    assert coding.quantize([1.0]).tolist() == [T]
    assert coding.quantize([1 - 2e-9, 1e-9, 1e-9]).tolist() == [T - 2, 1, 1]
    assert coding.quantize([2.0, 0.0, 2.0]).tolist() == [T // 2, 0, T // 2]  # normalised; p = 0 stays 0
    assert coding.quantize([1, 1, 1], precision=2).tolist() == [2, 1, 1]  # the largest remainder, ties by index
    tensor = torch.softmax(torch.randn(3, 5), dim=-1)
    assert np.array_equal(coding.quantize(tensor), coding.quantize(tensor.numpy()))


@pytest.mark.parametrize("bad", [[0.5, -0.1], [0.0, 0.0], [math.nan, 1.0], [math.inf, 1.0], [[0.5, 0.5], [0.0, 0.0]],
                                 [], [[[1.0]]]])
def test_quantize_refuses_what_is_not_a_distribution(bad):
    with pytest.raises(ValueError):
        coding.quantize(bad)


def test_quantize_refuses_more_symbols_than_frequencies():
    with pytest.raises(ValueError, match="do not fit"):
        coding.quantize(np.ones(5), precision=2)


def test_per_position_and_distributions_along_take_the_decoders_path():
    probs = np.array([[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]])
    table = coding.PerPosition(probs)
    assert np.array_equal(table([]), probs[0]) and np.array_equal(table([1, 0]), probs[2])
    chain = probes.MarkovNext([0.5, 0.3, 0.2], [[0.8, 0.1, 0.1], [0.2, 0.6, 0.2], [0.05, 0.05, 0.9]])
    along = coding.distributions_along(chain, [2, 2, 0])
    assert along.shape == (3, 3)
    assert np.array_equal(along, [chain.init, chain.trans[2], chain.trans[2]])
    assert coding.distributions_along(chain, []).shape[0] == 0


def test_decoder_calls_probe_records_the_prefixes():
    def decode(bits, next_distribution, n_symbols):
        out = []
        for _ in range(n_symbols):
            out.append(int(np.argmax(next_distribution(out))))
        return out

    chain = probes.MarkovNext([0.1, 0.9], [[0.9, 0.1], [0.2, 0.8]])
    decoded, prefixes = probes.run(probes.decoder_calls, decode, "", chain, 3)
    assert decoded == [1, 1, 1] and prefixes == [[], [1], [1, 1]]


def test_compressed_bits_and_png_bits():
    raw = bytes(np.random.default_rng(3).choice(2, size=4000, p=[0.95, 0.05]).astype(np.uint8))
    sizes = coding.compressed_bits(raw)
    assert set(sizes) == {"zlib", "bz2", "lzma"}
    assert all(isinstance(v, int) and 0 < v < 8 * len(raw) for v in sizes.values())
    images = np.random.default_rng(4).integers(0, 17, size=(10, 1, 8, 8))
    assert 0 < coding.png_bits(images, 17) < 8 * 640 + 8 * 200
    binary = np.random.default_rng(5).integers(0, 2, size=(10, 8, 8))
    assert coding.png_bits(binary, 2) < coding.png_bits(binary, 17)
    with pytest.raises(ValueError):
        coding.png_bits(images, 4)


def test_leaderboard_row_per_symbol_values():
    row = coding.leaderboard_row("coin", "true p", 100, nll_bits=50.0, code_bits=52, entropy_bits=49.0,
                                 raw=bytes(100))
    assert row["nll"] == 0.5 and row["code"] == 0.52 and row["entropy"] == 0.49
    assert {"zlib", "bz2", "lzma"} <= set(row) and "png" not in row
    with pytest.raises(ValueError):
        coding.leaderboard_row("a | b", "m", 10)
    with pytest.raises(ValueError):
        coding.leaderboard_row("a", "m", 0)


def test_leaderboard_prints_and_records_for_the_bench(tmp_path, monkeypatch, capsys):
    rows = [coding.leaderboard_row("text", "CharRNN", 1000, nll_bits=2100.0, code_bits=2103),
            coding.leaderboard_row("digits 8x8", "PixelCNN", 640, unit="bits/dim", nll_bits=200.0, code_bits=203,
                                   png_bits=900)]
    monkeypatch.delenv("COURSE_METRICS", raising=False)
    table = coding.leaderboard(rows, title="a title")
    printed = capsys.readouterr().out
    assert printed.strip() == table.strip() and "a title" in printed and "PNG" in printed and "zlib" not in printed
    assert "-" in table.splitlines()[3]  # the text row has no PNG

    metrics = tmp_path / "metrics.jsonl"
    monkeypatch.setenv("COURSE_METRICS", str(metrics))
    coding.leaderboard(rows)
    recorded = {r["name"]: (r["value"], r["unit"]) for r in map(json.loads, metrics.read_text().splitlines())}
    assert recorded["leaderboard.text | CharRNN.code"] == (pytest.approx(2.103), "bits/symbol")
    assert recorded["leaderboard.digits 8x8 | PixelCNN.png"] == (pytest.approx(900 / 640), "bits/dim")
    assert recorded["leaderboard.text | CharRNN.n"] == (1000, "symbols")

    from bench.run import leaderboard_lines, read_metrics

    lines = leaderboard_lines(read_metrics(metrics))
    assert "## Leaderboard: models as compressors" in lines
    header = next(line for line in lines if line.startswith("| data"))
    assert header == "| data | model | n | unit | model NLL | code length | PNG |"
    assert "| text | CharRNN | 1000 | bits/symbol | 2.1000 | 2.1030 | – |" in lines
    assert "| digits 8x8 | PixelCNN | 640 | bits/dim | 0.3125 | 0.3172 | 1.4062 |" in lines
    assert leaderboard_lines({"nll.x.y": (1.0, "nats")}) == []
