"""Tests of helpers.text: the corpus, the character vocabulary and the synthetic Markov source."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import torch

from helpers import data, text


def test_corpus_loads_and_matches_its_checksum():
    corpus = text.load_corpus()
    assert len(corpus) == 142_423
    assert corpus.startswith("ALICE'S ADVENTURES IN WONDERLAND\nLewis Carroll\n")
    assert corpus.rstrip().endswith("THE END")
    assert "\r" not in corpus and "`" not in corpus and "  " not in corpus
    assert "Project Gutenberg" not in corpus
    path = data.data_path("alice.txt", text.ALICE_SHA256)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == text.ALICE_SHA256


def test_corpus_checksum_is_enforced(tmp_path, monkeypatch):
    for name in ("digits8x8_binary.csv", "alice.txt"):
        (tmp_path / name).write_bytes(data.data_path(name, data.CHECKSUMS.get(name, text.ALICE_SHA256)).read_bytes())
    (tmp_path / "alice.txt").write_text("changed\n")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(OSError, match="damaged or was changed"):
        text.load_corpus()


def test_make_alice_reflows_paragraphs():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_alice", data.data_dir() / "make_alice.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    raw = b"  `Oh dear!'  said the\r\nWhite Rabbit, in a waistcoat-\r\npocket--\r\nand so on.\r\n\r\n   THE END\r\n\x1a"
    assert module.reflow(raw) == "'Oh dear!' said the White Rabbit, in a waistcoat-pocket-- and so on.\nTHE END\n"


def test_vocab_round_trip_and_order():
    vocab = text.CharVocab("hello world")
    assert vocab.chars == " dehlorw" and vocab.size == len(vocab) == 8
    ids = vocab.encode("low")
    assert ids.dtype == np.int64 and ids.tolist() == [4, 5, 7]
    assert vocab.decode(ids) == "low"
    assert vocab.decode(torch.tensor([3, 2])) == "he"
    corpus = text.load_corpus()
    full = text.CharVocab(corpus)
    assert full.decode(full.encode(corpus[:5000])) == corpus[:5000]
    with pytest.raises(KeyError, match="not in the vocabulary"):
        vocab.encode("z")
    with pytest.raises(ValueError):
        text.CharVocab("")


def test_markov_source_is_seeded_and_valid():
    a, b, c = text.markov_source(6, seed=1), text.markov_source(6, seed=1), text.markov_source(6, seed=2)
    assert np.array_equal(a.trans, b.trans) and not np.array_equal(a.trans, c.trans)
    assert a.trans.shape == (6, 6) and a.init.shape == (6,) and a.n_states == 6
    assert np.allclose(a.trans.sum(axis=1), 1) and (a.trans > 0).all()
    assert np.isclose(a.init.sum(), 1) and (a.init > 0).all()
    assert np.allclose(a.init @ a.trans, a.init), "init is the stationary distribution"
    with pytest.raises(ValueError):
        a.trans[0, 0] = 1.0
    with pytest.raises(ValueError):
        text.markov_source(1)


def test_entropy_rate_matches_an_independent_computation():
    source = text.markov_source(8, seed=0)
    # Stationary distribution by solving pi (P - I) = 0 with sum(pi) = 1 (not the helper's eigenvectors).
    n = source.n_states
    a = np.vstack([source.trans.T - np.eye(n), np.ones(n)])
    pi = np.linalg.lstsq(a, np.r_[np.zeros(n), 1.0], rcond=None)[0]
    rate = -sum(pi[i] * source.trans[i, j] * np.log(source.trans[i, j]) for i in range(n) for j in range(n))
    assert np.isclose(source.true_entropy_rate, rate, rtol=1e-10)
    assert 0 < source.true_entropy_rate < np.log(n)
    # A lower concentration gives peakier rows and, here, a lower rate.
    assert text.markov_source(8, seed=0, concentration=0.05).true_entropy_rate < np.log(n) / 2


def test_samples_follow_the_chain():
    source = text.markov_source(5, seed=3)
    rng = np.random.default_rng(0)
    x = source.sample(400, 500, rng)
    assert x.shape == (400, 500) and x.dtype == np.int64 and x.min() >= 0 and x.max() < 5
    assert np.array_equal(x, source.sample(400, 500, np.random.default_rng(0)))
    counts = np.zeros((5, 5))
    np.add.at(counts, (x[:, :-1].ravel(), x[:, 1:].ravel()), 1)
    assert np.allclose(counts / counts.sum(axis=1, keepdims=True), source.trans, atol=0.01)
    assert np.allclose(np.bincount(x[:, 0], minlength=5) / 400, source.init, atol=0.08)
    # The average NLL per symbol of long samples converges to the entropy rate (Shannon-McMillan-Breiman).
    nll = -(np.log(source.init[x[:, 0]]).sum() + np.log(source.trans[x[:, :-1], x[:, 1:]]).sum()) / x.size
    assert abs(nll - source.true_entropy_rate) < 0.01
    assert source.sample(3, 0, rng).shape == (3, 0)
