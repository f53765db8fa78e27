"""A seeded synthetic source of small binary images whose exact log-probability is known.

An image is drawn in two steps: choose a template ``k`` (a shape at a position) with probability
``pi_k``, then flip every pixel independently with probability ``eps``. With ``D`` pixels and
``m_k(x)`` the number of pixels where ``x`` differs from template ``k`` (the Hamming distance),

    p(x) = sum_k pi_k * eps^m_k(x) * (1 - eps)^(D - m_k(x)),

so ``log p(x)`` is a log-sum-exp over the templates (:meth:`ShapeSource.log_prob`). The entropy of
the source, the lowest test NLL any model can reach on it, is

    H(X) = H(K) + H(X | K) - H(K | X) = H(pi) + D * h(eps) - E_x[ H(p(k | x)) ],

with ``h`` the binary entropy. The first two terms are exact; only the last one, small when the
templates are far apart, is estimated by Monte Carlo (:meth:`ShapeSource.entropy` returns the estimate
and its standard error). For tiny images (``D <= 20``) :meth:`ShapeSource.exact_entropy` enumerates
all ``2^D`` images. Everything is in nats; sampling takes a ``numpy.random.Generator``.

The course's source is :func:`make_patterns`: 8x8 images of stripes, checkerboards and diagonals at
every phase (a pattern shifted by a pixel is another template), flipped with ``eps = 0.05``. Its structure
is local, which a small PixelCNN learns in seconds. :func:`make_shapes` (shapes at the four corners of
the image) needs context from far away and shows what the blind spot costs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

SHAPES: dict[str, tuple[str, ...]] = {
    "square": ("####", "#..#", "#..#", "####"),
    "plus": (".##.", "####", "####", ".##."),
    "diagonal": ("#...", ".#..", "..#.", "...#"),
    "bars": ("#..#", "#..#", "#..#", "#..#"),
}
"""The course's shapes, 4x4 each ('#' is a 1 pixel)."""


def _as_generator(rng: np.random.Generator | int | None) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def _binary_entropy(eps: float) -> float:
    """h(eps) in nats, with 0 log 0 = 0."""
    if eps in (0.0, 1.0):
        return 0.0
    return float(-eps * np.log(eps) - (1 - eps) * np.log1p(-eps))


def _logsumexp(a: np.ndarray, axis: int) -> np.ndarray:
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):  # a row of -inf (an impossible image when eps = 0) gives -inf
        return np.squeeze(top, axis=axis) + np.log(np.sum(np.exp(a - top), axis=axis))


@dataclass(frozen=True)
class ShapeSource:
    """Noisy copies of binary templates.

    ``templates``: uint8 [K, H, W] in {0, 1}; ``weights``: [K] mixture weights pi (sum 1);
    ``eps``: the probability that a pixel is flipped, in [0, 0.5].

    Args:
        templates: [K, H, W] of 0/1 (stored as uint8).
        weights: [K] mixture weights pi, non-negative, summing to 1 (stored as float64).
        eps: the probability that a pixel is flipped, in [0, 0.5].

    Raises:
        ValueError: when ``templates`` is not a [K, H, W] array of 0/1, ``weights`` are not K non-negative numbers
            that sum to 1, or ``eps`` is outside [0, 0.5].
    """

    templates: np.ndarray
    weights: np.ndarray
    eps: float

    def __post_init__(self) -> None:
        templates = np.asarray(self.templates, dtype=np.uint8)
        weights = np.asarray(self.weights, dtype=float)
        if templates.ndim != 3 or not np.all((templates == 0) | (templates == 1)):
            raise ValueError("templates must be a [K, H, W] array of 0/1")
        if weights.shape != (len(templates),) or np.any(weights < 0) or abs(weights.sum() - 1) > 1e-9:
            raise ValueError("weights must be K non-negative numbers that sum to 1")
        if not 0.0 <= self.eps <= 0.5:
            raise ValueError(f"eps must be in [0, 0.5], got {self.eps}")
        object.__setattr__(self, "templates", templates)
        object.__setattr__(self, "weights", weights)

    @property
    def image_shape(self) -> tuple[int, int]:
        """(H, W).

        Returns:
            (H, W), the height and width of an image in pixels.
        """
        return int(self.templates.shape[1]), int(self.templates.shape[2])

    @property
    def n_pixels(self) -> int:
        """D = H * W.

        Returns:
            D, the number of pixels of an image.
        """
        return int(self.templates.shape[1] * self.templates.shape[2])

    def sample(self, n: int, rng: np.random.Generator | int | None = None, *, return_labels: bool = False):
        """``n`` images, uint8 [n, H, W] in {0, 1} (and the template indices [n] if ``return_labels``).

        Args:
            n: the number of images.
            rng: a ``numpy.random.Generator``, or a seed (an int or None) for a new one.
            return_labels: also return the template each image was drawn from.

        Returns:
            The images, uint8 [n, H, W] in {0, 1}; with ``return_labels``, a tuple (images, labels) with labels the
            template indices, int [n] in 0..K-1.
        """
        rng = _as_generator(rng)
        labels = rng.choice(len(self.templates), size=n, p=self.weights)
        flips = rng.random((n, *self.image_shape)) < self.eps
        images = (self.templates[labels] ^ flips).astype(np.uint8)
        return (images, labels) if return_labels else images

    def log_joint(self, x: np.ndarray) -> np.ndarray:
        """log pi_k + log p(x | k) for every image and template, [N, K], in nats.

        Args:
            x: N images of 0/1, [N, H, W] (or [N, 1, H, W], [N, D]).

        Returns:
            A float array [N, K]: log pi_k + log p(x_n | k) in nats (``-inf`` where impossible, e.g. eps = 0).

        Raises:
            ValueError: when an image does not have D pixels.
        """
        x = np.asarray(x, dtype=float).reshape(len(x), -1)
        if x.shape[1] != self.n_pixels:
            raise ValueError(f"images must have {self.n_pixels} pixels, got {x.shape[1]}")
        t = self.templates.reshape(len(self.templates), -1).astype(float)
        mismatches = x @ (1 - t).T + (1 - x) @ t.T  # Hamming distances [N, K]
        with np.errstate(divide="ignore", invalid="ignore"):
            log_eps, log_keep = np.log(self.eps), np.log1p(-self.eps)
            log_flip = np.where(mismatches > 0, mismatches * log_eps, 0.0)
            log_same = np.where(self.n_pixels - mismatches > 0, (self.n_pixels - mismatches) * log_keep, 0.0)
            return np.log(self.weights) + log_flip + log_same

    def log_prob(self, x: np.ndarray) -> np.ndarray:
        """Exact log p(x) in nats for images [N, H, W] (or [N, 1, H, W], [N, D]) of 0/1; returns [N].

        Args:
            x: N images of 0/1, [N, H, W] (or [N, 1, H, W], [N, D]).

        Returns:
            A float array [N]: log p(x_n) in nats per image (a log-sum-exp over the templates).

        Raises:
            ValueError: when an image does not have D pixels.
        """
        return _logsumexp(self.log_joint(x), axis=1)

    def posterior(self, x: np.ndarray) -> np.ndarray:
        """p(k | x), [N, K].

        Args:
            x: N images of 0/1, [N, H, W] (or [N, 1, H, W], [N, D]).

        Returns:
            A float array [N, K]: the posterior probability of each template given each image (rows sum to 1).

        Raises:
            ValueError: when an image does not have D pixels.
        """
        joint = self.log_joint(x)
        return np.exp(joint - _logsumexp(joint, axis=1)[:, None])

    def entropy(self, n_samples: int = 20_000, rng: np.random.Generator | int | None = 0) -> tuple[float, float]:
        """(H(X), standard error) in nats per image.

        H(X) = H(pi) + D h(eps) - E_x[H(p(k | x))]: the first two terms exact, the last one a Monte
        Carlo average over ``n_samples`` images from the source (it is the only random part).

        Args:
            n_samples: the number of images of the Monte Carlo average.
            rng: a ``numpy.random.Generator``, or a seed (an int or None) for a new one; by default seed 0.

        Returns:
            (H(X), standard error), both in nats per image; the standard error is that of the Monte Carlo term
            (``inf`` when ``n_samples`` is 1).
        """
        x = self.sample(n_samples, rng)
        post = self.posterior(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = -np.sum(np.where(post > 0, post * np.log(post), 0.0), axis=1)
        h_pi = -float(np.sum(self.weights[self.weights > 0] * np.log(self.weights[self.weights > 0])))
        exact = h_pi + self.n_pixels * _binary_entropy(self.eps)
        stderr = float(np.std(terms, ddof=1) / np.sqrt(n_samples)) if n_samples > 1 else float("inf")
        return exact - float(np.mean(terms)), stderr

    def all_images(self) -> np.ndarray:
        """Every binary image of this size, uint8 [2^D, H, W] (only for D <= 20).

        Returns:
            uint8 [2^D, H, W] of 0/1, in the order of ``itertools.product((0, 1), repeat=D)`` (raster order, the
            last pixel varying fastest).

        Raises:
            ValueError: when D > 20.
        """
        if self.n_pixels > 20:
            raise ValueError(f"2^{self.n_pixels} images are too many to enumerate")
        grid = np.array(list(itertools.product((0, 1), repeat=self.n_pixels)), dtype=np.uint8)
        return grid.reshape(-1, *self.image_shape)

    def exact_entropy(self) -> float:
        """H(X) in nats per image by summing over all 2^D images (only for D <= 20).

        Returns:
            The exact entropy H(X) = -sum_x p(x) log p(x), in nats per image.

        Raises:
            ValueError: when D > 20 (from :meth:`all_images`).
        """
        logp = self.log_prob(self.all_images())
        p = np.exp(logp)
        return float(-np.sum(p[p > 0] * logp[p > 0]))

    def independent_pixel_probs(self) -> np.ndarray:
        """The exact marginal p(x_d = 1) of every pixel, [H, W].

        Returns:
            A float array [H, W]: ``eps + (1 - 2 eps) sum_k pi_k t_k`` at every pixel (t_k the templates).
        """
        on = np.tensordot(self.weights, self.templates.astype(float), axes=1)
        return self.eps + (1 - 2 * self.eps) * on


def place(shape: tuple[str, ...], size: int, top: int, left: int) -> np.ndarray:
    """A [size, size] uint8 canvas with ``shape`` ('#' = 1) drawn with its top-left corner at (top, left).

    Args:
        shape: the shape's rows as strings, ``'#'`` for a 1 pixel (any other character a 0), e.g. ``SHAPES["plus"]``.
        size: the canvas's height and width in pixels.
        top: the row of the shape's top-left corner.
        left: the column of the shape's top-left corner.

    Returns:
        uint8 [size, size] of 0/1: the shape's pixels in rows ``top`` to ``top + h - 1`` and columns ``left`` to
        ``left + w - 1`` (h x w the shape's size), zeros elsewhere.

    Raises:
        ValueError: when the shape does not fit in the canvas at (top, left).
    """
    rows = np.array([[ch == "#" for ch in row] for row in shape], dtype=np.uint8)
    h, w = rows.shape
    if top < 0 or left < 0 or top + h > size or left + w > size:
        raise ValueError(f"a {h}x{w} shape at ({top}, {left}) does not fit in {size}x{size}")
    canvas = np.zeros((size, size), dtype=np.uint8)
    canvas[top : top + h, left : left + w] = rows
    return canvas


def make_shapes(
    eps: float = 0.05,
    size: int = 8,
    shapes: dict[str, tuple[str, ...]] | None = None,
    corners: tuple[tuple[int, int], ...] = ((0, 0), (0, 4), (4, 0), (4, 4)),
) -> ShapeSource:
    """The course's source: every shape of :data:`SHAPES` at every corner, equally likely, flipped with ``eps``.

    With the defaults: 16 templates on 8x8 images.

    Args:
        eps: the probability that a pixel is flipped, in [0, 0.5].
        size: the images' height and width in pixels.
        shapes: the shapes, name -> rows (as in :data:`SHAPES`); by default :data:`SHAPES`.
        corners: the (top, left) positions of the shapes' top-left corners.

    Returns:
        :class:`ShapeSource` with ``len(shapes) * len(corners)`` equally likely templates, uint8 [K, size, size].

    Raises:
        ValueError: when a shape does not fit at a corner, or ``eps`` is outside [0, 0.5].
    """
    shapes = SHAPES if shapes is None else shapes
    templates = np.stack([place(s, size, top, left) for s in shapes.values() for top, left in corners])
    return ShapeSource(templates, np.full(len(templates), 1.0 / len(templates)), eps)


def make_patterns(eps: float = 0.05, size: int = 8) -> ShapeSource:
    """The course's source: 12 equally likely periodic patterns on ``size`` x ``size`` images, flipped with ``eps``.

    Horizontal stripes, vertical stripes and checkerboards of period 2 (2 phases each), diagonal and
    anti-diagonal stripes of period 3 (3 phases each). With the defaults the entropy is about
    15.2 nats per image (:meth:`ShapeSource.entropy`).

    Args:
        eps: the probability that a pixel is flipped, in [0, 0.5].
        size: the images' height and width in pixels.

    Returns:
        :class:`ShapeSource` with 12 equally likely templates, uint8 [12, size, size].

    Raises:
        ValueError: when ``eps`` is outside [0, 0.5].
    """
    rows, cols = np.mgrid[:size, :size]
    templates = []
    for phase in range(2):
        templates += [rows % 2 == phase, cols % 2 == phase, (rows + cols) % 2 == phase]
    for phase in range(3):
        templates += [(rows + cols) % 3 == phase, (rows - cols) % 3 == phase]
    stacked = np.stack(templates).astype(np.uint8)
    return ShapeSource(stacked, np.full(len(stacked), 1.0 / len(stacked)), eps)
