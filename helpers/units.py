"""Unit conversions for information quantities.

The course measures information in *nats* (natural logarithm) unless it says *bits* (base 2).
A model's negative log-likelihood is given per image (a sum over dimensions) or per dimension
(divided by the number of dimensions D).
"""

from __future__ import annotations

import math

LN2: float = math.log(2.0)
"""ln 2: one bit is ln 2 ≈ 0.693 nats."""


def nats_to_bits(nats: float) -> float:
    """Convert nats to bits: ``bits = nats / ln 2``.

    Args:
        nats: an amount of information in nats (natural logarithm).

    Returns:
        The same amount in bits (base 2), a float.
    """
    return float(nats) / LN2


def bits_to_nats(bits: float) -> float:
    """Convert bits to nats: ``nats = bits * ln 2``.

    Args:
        bits: an amount of information in bits (base 2).

    Returns:
        The same amount in nats (natural logarithm), a float.
    """
    return float(bits) * LN2


def bits_per_dim(nats_per_item: float, n_dims: int) -> float:
    """Bits per dimension from a NLL in nats per item (image, sequence) with ``n_dims`` dimensions.

    Example: a 8x8 binary image with NLL 20 nats has ``bits_per_dim(20, 64)`` ≈ 0.451 bits/dim.

    Args:
        nats_per_item: the negative log-likelihood of one item, in nats (a sum over its dimensions).
        n_dims: the number of dimensions D of an item (pixels of an image, symbols of a sequence).

    Returns:
        The NLL in bits per dimension, ``nats_per_item / ln 2 / n_dims``.

    Raises:
        ValueError: when ``n_dims`` is not positive.
    """
    if n_dims <= 0:
        raise ValueError(f"n_dims must be positive, got {n_dims}")
    return nats_to_bits(nats_per_item) / n_dims


def fmt_nats(nats: float, n_dims: int | None = None, per: str = "image") -> str:
    """Format a NLL as ``'12.340 nats/image (17.803 bits/image, 0.2782 bits/dim)'`` (12.34 nats over 64 dims).

    Args:
        nats: the negative log-likelihood in nats per ``per`` (per image by default).
        n_dims: the number of dimensions D of an item; when given, bits per dimension are shown too.
        per: the item the NLL is given for, as the unit shows it (``"image"``, ``"sequence"``, ...).

    Returns:
        The text: nats per item with 3 decimals, bits per item with 3 and, with ``n_dims``, bits per dimension
        with 4.

    Raises:
        ValueError: when ``n_dims`` is given and not positive.
    """
    text = f"{nats:.3f} nats/{per} ({nats_to_bits(nats):.3f} bits/{per}"
    if n_dims is not None:
        text += f", {bits_per_dim(nats, n_dims):.4f} bits/dim"
    return text + ")"
