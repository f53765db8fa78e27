"""helpers.shapes: exact log-probabilities, sampling and entropy of the synthetic image source."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.shapes import SHAPES, ShapeSource, make_patterns, make_shapes, place


def tiny_source(eps: float = 0.15) -> ShapeSource:
    """Three 3x3 templates with unequal weights (two of them one pixel apart)."""
    templates = np.array(
        [
            [[1, 1, 1], [0, 0, 0], [0, 0, 0]],
            [[1, 1, 1], [0, 1, 0], [0, 0, 0]],
            [[1, 0, 0], [1, 0, 0], [1, 0, 0]],
        ],
        dtype=np.uint8,
    )
    return ShapeSource(templates, np.array([0.5, 0.3, 0.2]), eps)


def brute_force_log_prob(source: ShapeSource, x: np.ndarray) -> np.ndarray:
    """log p(x) by the product formula, one image and one template at a time (no vectorisation)."""
    out = []
    for image in x.reshape(len(x), -1):
        total = 0.0
        for weight, template in zip(source.weights, source.templates.reshape(len(source.templates), -1), strict=True):
            flips = int(np.sum(image != template))
            total += weight * source.eps**flips * (1 - source.eps) ** (len(image) - flips)
        out.append(np.log(total))
    return np.array(out)


@pytest.mark.parametrize("eps", [0.05, 0.15, 0.5])
def test_log_probs_normalise_over_all_images(eps):
    source = tiny_source(eps)
    images = source.all_images()
    assert images.shape == (2**9, 3, 3)
    assert np.exp(source.log_prob(images)).sum() == pytest.approx(1.0, abs=1e-12)


def test_log_prob_matches_the_product_formula_and_accepts_any_layout():
    source = tiny_source()
    images = source.all_images()
    expected = brute_force_log_prob(source, images)
    np.testing.assert_allclose(source.log_prob(images), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(source.log_prob(images[:, None]), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(source.log_prob(images.reshape(len(images), -1)), expected, rtol=1e-10, atol=1e-12)


def test_log_prob_is_stable_for_large_images():
    source = make_patterns(eps=0.2, size=48)  # 2304 pixels: p(x) < 1e-400 underflows, log p(x) must not
    x = source.sample(5, np.random.default_rng(0))
    logp = source.log_prob(x)
    assert np.all(np.isfinite(logp)) and np.all(logp < -800)
    h, _ = source.entropy(n_samples=200)
    assert -logp.mean() == pytest.approx(h, rel=0.05)


def test_zero_noise_gives_minus_infinity_for_impossible_images():
    source = tiny_source(eps=0.0)
    logp = source.log_prob(source.all_images())
    assert np.isneginf(logp).sum() == 2**9 - 3
    assert np.exp(logp).sum() == pytest.approx(1.0)
    assert source.entropy()[0] == pytest.approx(source.exact_entropy())


def test_sampling_frequencies_match_the_probabilities():
    source = tiny_source()
    n = 200_000
    x = source.sample(n, np.random.default_rng(1))
    assert x.dtype == np.uint8 and x.shape == (n, 3, 3) and set(np.unique(x)) <= {0, 1}
    codes = x.reshape(n, -1) @ (1 << np.arange(9)[::-1])  # same order as all_images()
    freq = np.bincount(codes, minlength=2**9) / n
    prob = np.exp(source.log_prob(source.all_images()))
    # each frequency within 5 standard errors of its probability
    assert np.all(np.abs(freq - prob) <= 5 * np.sqrt(prob * (1 - prob) / n) + 1e-4)


def test_sampling_is_reproducible_and_returns_labels():
    source = make_patterns()
    a, labels = source.sample(50, np.random.default_rng(3), return_labels=True)
    b = source.sample(50, np.random.default_rng(3))
    c = source.sample(50, 3)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert labels.shape == (50,) and labels.min() >= 0 and labels.max() < len(source.templates)
    # with eps = 0.05 an image is close to its own template
    distance = (a != source.templates[labels]).reshape(50, -1).sum(axis=1)
    assert distance.mean() < 0.15 * source.n_pixels


@pytest.mark.parametrize("eps", [0.05, 0.2, 0.4])
def test_entropy_estimate_matches_the_exact_entropy(eps):
    source = tiny_source(eps)
    exact = source.exact_entropy()
    estimate, stderr = source.entropy(n_samples=20_000, rng=np.random.default_rng(4))
    assert stderr > 0
    assert abs(estimate - exact) < 5 * stderr + 1e-9
    # the plain Monte Carlo estimate -mean(log p(x)) agrees too, with a larger error
    logp = source.log_prob(source.sample(20_000, np.random.default_rng(5)))
    assert abs(-logp.mean() - exact) < 5 * logp.std() / np.sqrt(len(logp))


def test_entropy_bounds():
    source = tiny_source(0.1)
    h = source.exact_entropy()
    noise = 9 * -(0.1 * np.log(0.1) + 0.9 * np.log(0.9))
    mix = -np.sum(source.weights * np.log(source.weights))
    assert noise <= h <= noise + mix  # H(X|K) <= H(X) <= H(X|K) + H(K)
    p = source.independent_pixel_probs()
    independent = -np.sum(p * np.log(p) + (1 - p) * np.log(1 - p))
    assert h < independent  # pixels are dependent


def test_independent_pixel_probs_are_the_marginals():
    source = tiny_source()
    images = source.all_images().astype(float)
    prob = np.exp(source.log_prob(images))
    np.testing.assert_allclose(source.independent_pixel_probs(), np.tensordot(prob, images, axes=1), atol=1e-12)


def test_course_sources():
    patterns = make_patterns()
    assert patterns.templates.shape == (12, 8, 8) and patterns.image_shape == (8, 8)
    h, stderr = patterns.entropy()
    expected = np.log(12) + 64 * -(0.05 * np.log(0.05) + 0.95 * np.log(0.95))
    assert h == pytest.approx(expected, abs=1e-3) and stderr < 1e-3  # the 12 patterns are never confused
    shapes = make_shapes()
    assert shapes.templates.shape == (4 * len(SHAPES), 8, 8)
    assert len({t.tobytes() for t in shapes.templates}) == len(shapes.templates)
    h_shapes, _ = shapes.entropy(n_samples=2000)
    assert 12 < h_shapes < 16


def test_invalid_arguments():
    with pytest.raises(ValueError):
        ShapeSource(np.zeros((2, 3, 3)), np.array([0.5, 0.6]), 0.1)
    with pytest.raises(ValueError):
        ShapeSource(np.full((1, 3, 3), 2), np.array([1.0]), 0.1)
    with pytest.raises(ValueError):
        ShapeSource(np.zeros((1, 3, 3)), np.array([1.0]), 0.7)
    with pytest.raises(ValueError):
        place(SHAPES["square"], 8, 5, 0)
    with pytest.raises(ValueError):
        make_patterns(size=5).all_images()
    with pytest.raises(ValueError):
        tiny_source().log_prob(np.zeros((2, 4, 4)))
