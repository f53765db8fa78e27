"""Entropy coding with a model: quantised frequencies, the distributions a coder walks, and the leaderboard.

Notebook 02 has students write an arithmetic coder (``arithmetic_encode`` and ``arithmetic_decode``); notebooks
04–06 feed it their models' conditionals. The contract they share:

- ``arithmetic_encode(symbols, probs) -> str``: ``symbols`` n ints in ``0..K-1``; ``probs`` n probability vectors
  over the K symbols (a list of vectors or an [n, K] array), row i the distribution of symbol i given the symbols
  before it. Returns the code as a string of ``"0"`` and ``"1"``.
- ``arithmetic_decode(bits, next_distribution, n_symbols) -> list[int]``: calls ``next_distribution(prefix)``
  exactly once per position, in order, with ``prefix`` the list of the i symbols decoded so far (i = 0, 1, ...,
  n - 1), and decodes symbol i with the distribution it returns. The message's length is given: the bits alone do
  not say where the message ends.
- Both turn every probability vector into integer frequencies with :func:`quantize`, the same function on the same
  numbers, so the encoder and the decoder narrow the same intervals. A model must therefore hand the decoder
  bit-for-bit the distributions it handed the encoder: compute the encoder's with :func:`distributions_along`,
  which calls the very ``next_distribution`` the decoder will call, on the true prefixes.

Nothing here is an answer to an exercise: the coder itself is the students'.
"""

from __future__ import annotations

import bz2
import io
import lzma
import math
import os
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "PRECISION",
    "PerPosition",
    "compressed_bits",
    "distributions_along",
    "leaderboard",
    "leaderboard_row",
    "png_bits",
    "quantization_bound",
    "quantize",
]

#: Frequencies sum to ``2 ** PRECISION``.
PRECISION = 16

#: The leaderboard's columns in order: (key, header).
COLUMNS = (("entropy", "entropy"), ("nll", "model NLL"), ("code", "code length"), ("zlib", "zlib"),
           ("bz2", "bz2"), ("lzma", "lzma"), ("png", "PNG"))


def _as_float_array(probs: Any) -> np.ndarray:
    if hasattr(probs, "detach"):  # a torch tensor
        probs = probs.detach().cpu().double().numpy()
    return np.asarray(probs, dtype=np.float64)


def quantize(probs: Any, precision: int = PRECISION) -> np.ndarray:
    """Integer frequencies that sum to ``2 ** precision``, at least 1 for every nonzero probability.

    Args:
        probs: one probability vector over K symbols ([K]) or n of them ([n, K]): non-negative, each with a
            positive sum (it is normalised here, so float32 softmax outputs are fine); a list, an array or a
            tensor.
        precision: the frequencies of a vector sum to ``T = 2 ** precision`` (default 16: T = 65,536).

    Returns:
        An int64 array of ``probs``' shape. A symbol of probability 0 gets frequency 0 (it cannot be coded); each
        of the m symbols of nonzero probability gets ``1 + floor(p (T - m))`` plus one more for the largest
        remainders, so its quantised probability ``f / T`` exceeds ``p (T - m) / T``: coding a symbol with the
        frequencies costs at most ``log2(T / (T - m))`` bits more than ``-log2 p`` (:func:`quantization_bound`).
        A row of a 2-D ``probs`` gets exactly the frequencies it gets alone.

    Raises:
        ValueError: on a negative or non-finite entry, a vector without a positive entry, more nonzero symbols
            than ``T``, or more than two dimensions.
    """
    p = _as_float_array(probs)
    if p.ndim not in (1, 2) or p.shape[-1] == 0:
        raise ValueError(f"probs must be one probability vector or a 2-D array of them, got shape {p.shape}")
    total = 1 << precision
    sums = p.sum(axis=-1, keepdims=True)  # per row, the same pairwise sum alone or in a batch
    if not (p.min() >= 0 and np.isfinite(sums).all() and sums.min() > 0):  # NaN fails p.min() >= 0
        raise ValueError("probabilities must be finite and non-negative, with a positive entry in every vector")
    nonzero = p > 0
    m = np.count_nonzero(nonzero, axis=-1, keepdims=True)
    if p.shape[-1] > total and m.max() > total:
        raise ValueError(f"{int(m.max())} symbols of nonzero probability do not fit in 2**{precision} frequencies")
    scaled = p / sums * (total - m)
    base = np.floor(scaled)
    freq = (base + nonzero).astype(np.int64)  # zero where p = 0 (there scaled = 0)
    short = total - freq.sum(axis=-1)  # in 0..m-1: one more for that many of the largest remainders
    remainder = scaled - base
    remainder[~nonzero] = -1.0
    order = np.argsort(-remainder, axis=-1, kind="stable")  # largest remainder first, ties by index
    if p.ndim == 1:
        freq[order[:short]] += 1
        return freq
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.broadcast_to(np.arange(p.shape[1]), p.shape), axis=1)
    freq += ranks < short[:, None]
    return freq


def quantization_bound(n_nonzero: int, precision: int = PRECISION) -> float:
    """The most a symbol can cost above ``-log2 p`` once its vector is quantised: ``log2(T / (T - m))`` bits, for
    ``m = n_nonzero`` symbols of nonzero probability and ``T = 2 ** precision`` (see :func:`quantize`).

    Args:
        n_nonzero: m, the number of symbols of nonzero probability in the vector (fewer than T).
        precision: the frequencies sum to ``T = 2 ** precision``, as in :func:`quantize`.

    Returns:
        The bound ``log2(T / (T - m))``, in bits per symbol.
    """
    total = 1 << precision
    return math.log2(total / (total - n_nonzero))


class PerPosition:
    """A ``next_distribution`` whose distributions do not depend on the prefix: position i gets ``probs[i]``.

    ``PerPosition(probs)(prefix)`` returns ``probs[len(prefix)]``: the decoder's view of distributions known in
    advance (an i.i.d. source, or a table of n rows). ``probs``: [n, K] array-like.

    Args:
        probs: [n, K] array-like, row i the distribution of symbol i (stored as a float64 array).
    """

    def __init__(self, probs: Any) -> None:
        self.probs = np.array(probs, dtype=np.float64)

    def __call__(self, prefix: Sequence[int]) -> np.ndarray:
        return self.probs[len(prefix)]


def distributions_along(next_distribution: Callable[[list[int]], Any], symbols: Sequence[int]) -> np.ndarray:
    """The encoder's distributions, computed as the decoder will: row i is ``next_distribution(symbols[:i])``.

    Args:
        next_distribution: the callable that the decoder will get (``prefix -> probability vector``).
        symbols: the message, n ints.

    Returns:
        A float64 array [n, K]. A model that computes all its conditionals in one pass (teacher forcing, a masked
        convolution over the whole image) can round differently from the decoder's calls on prefixes; taking the
        encoder's rows from here makes them bit-for-bit what the decoder sees.
    """
    symbols = [int(s) for s in symbols]
    rows = [_as_float_array(next_distribution(symbols[:i])) for i in range(len(symbols))]
    return np.array(rows, dtype=np.float64) if rows else np.zeros((0, 0))


def compressed_bits(raw: bytes) -> dict[str, int]:
    """The sizes in bits of ``raw`` compressed by zlib, bz2 and lzma (Python's standard library), strongest settings.

    zlib writes raw DEFLATE (no 6-byte zlib wrapper) and lzma raw LZMA2 (no xz container), so that neither pays a
    header that an arithmetic code does not; bz2 has no raw mode and keeps its stream header (about 30 bytes).

    Args:
        raw: the data to compress.

    Returns:
        ``{"zlib": bits, "bz2": bits, "lzma": bits}``: each compressed size in bits (8 per byte).
    """
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    zlib_size = len(deflate.compress(raw) + deflate.flush())
    lzma_size = len(lzma.compress(raw, format=lzma.FORMAT_RAW,
                                  filters=[{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME}]))
    return {"zlib": 8 * zlib_size, "bz2": 8 * len(bz2.compress(raw, 9)), "lzma": 8 * lzma_size}


def png_bits(images: Any, n_levels: int) -> int:
    """The size in bits of a batch of images as one lossless PNG (Pillow), the images stacked one under another.

    Args:
        images: [N, H, W] or [N, 1, H, W] integer levels in ``0..n_levels-1`` (an array or a tensor).
        n_levels: 2 gives a 1-bit PNG; up to 256 an 8-bit grey PNG of the levels as they are.

    Returns:
        The PNG file's size in bits (its headers included: one file for the whole batch).

    Raises:
        ValueError: when a level lies outside ``0..n_levels-1``, or ``n_levels`` exceeds 256.
    """
    from PIL import Image

    pixels = _as_float_array(images).astype(np.int64)
    pixels = pixels.reshape(-1, pixels.shape[-1])  # the images stacked: [N * H, W]
    if pixels.size and (pixels.min() < 0 or pixels.max() >= n_levels):
        raise ValueError(f"levels must lie in 0..{n_levels - 1}")
    if n_levels > 256:
        raise ValueError("PNG grey images have at most 256 levels")
    picture = Image.fromarray(pixels.astype(np.uint8) * (255 if n_levels == 2 else 1))  # 8-bit grey
    if n_levels == 2:
        picture = picture.convert("1", dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return 8 * len(buffer.getvalue())


def leaderboard_row(data: str, model: str, n: int, *, unit: str = "bits/symbol", entropy_bits: float | None = None,
                    nll_bits: float | None = None, code_bits: float | None = None, raw: bytes | None = None,
                    png_bits: float | None = None) -> dict[str, Any]:
    """One row of the leaderboard: totals in bits over ``n`` symbols (or dimensions) turned into bits per symbol.

    Args:
        data: the data set, e.g. ``"held-out text"`` (no ``|``: it is part of the metric's name).
        model: the model whose conditionals were used, e.g. ``"CharRNN"`` (no ``|``).
        n: the number of symbols (``unit="bits/symbol"``) or dimensions (``unit="bits/dim"``) coded.
        unit: the unit of the row's values: ``"bits/symbol"`` or ``"bits/dim"``.
        entropy_bits: the source's exact entropy over the n symbols, where it is known.
        nll_bits: the model's negative log-likelihood of the data, in bits (``-sum log2 p``).
        code_bits: the real code length, ``len(bits)`` of the arithmetic code.
        raw: the data as bytes for the general-purpose compressors (:func:`compressed_bits`).
        png_bits: the PNG size in bits (images; :func:`png_bits`).

    Returns:
        A dict with ``data``, ``model``, ``unit``, ``n`` and the per-symbol values of the columns given.

    Raises:
        ValueError: when ``data`` or ``model`` is empty or holds ``|``, or ``n`` is not positive.
    """
    for name, value in (("data", data), ("model", model)):
        if not value or "|" in value:
            raise ValueError(f"{name} must be a non-empty name without '|', got {value!r}")
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    row: dict[str, Any] = {"data": data, "model": model, "unit": unit, "n": int(n)}
    totals = {"entropy": entropy_bits, "nll": nll_bits, "code": code_bits, "png": png_bits}
    if raw is not None:
        totals.update(compressed_bits(raw))
    for key, _ in COLUMNS:
        if totals.get(key) is not None:
            row[key] = float(totals[key]) / n
    return row


def leaderboard(rows: Sequence[dict[str, Any]], title: str | None = None) -> str:
    """Print the leaderboard table of ``rows`` (from :func:`leaderboard_row`) and record them for ``make bench``.

    One line a row: data, model, n, then bits per symbol (or per dimension) for the columns that any row has:
    the source's entropy where known, the model's NLL, the real code length, zlib, bz2, lzma, PNG (``-`` where a
    row has none). Where ``COURSE_METRICS`` names a file (``make bench``), each value is also recorded with
    :func:`helpers.training.record_metric` as ``leaderboard.<data> | <model>.<column>`` in the row's unit (and
    ``leaderboard.<data> | <model>.n`` in symbols), from which the benchmark builds one table for the whole course.

    Args:
        rows: the rows, each a dict from :func:`leaderboard_row`.
        title: a line printed above the table, if given.

    Returns:
        The table as printed.
    """
    from helpers.training import record_metric

    shown = [(key, header) for key, header in COLUMNS if any(key in row for row in rows)]
    width_data = max([len("data"), *(len(r["data"]) for r in rows)])
    width_model = max([len("model"), *(len(r["model"]) for r in rows)])
    header = f"{'data':<{width_data}}  {'model':<{width_model}}  {'n':>7}  {'unit':<11}" + "".join(
        f"{h:>12}" for _, h in shown)
    lines = ([title] if title else []) + [header, "-" * len(header)]
    for row in rows:
        values = "".join(f"{row[key]:12.4f}" if key in row else f"{'-':>12}" for key, _ in shown)
        lines.append(f"{row['data']:<{width_data}}  {row['model']:<{width_model}}  {row['n']:>7}  "
                     f"{row['unit']:<11}{values}")
    table = "\n".join(lines)
    print(table)
    if os.environ.get("COURSE_METRICS"):
        for row in rows:
            for key, _ in shown:
                if key in row:
                    record_metric(f"leaderboard.{row['data']} | {row['model']}.{key}", row[key], row["unit"])
            record_metric(f"leaderboard.{row['data']} | {row['model']}.n", row["n"], "symbols")
    return table
