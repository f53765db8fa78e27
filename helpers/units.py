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
    """Convert nats to bits: ``bits = nats / ln 2``."""
    return float(nats) / LN2


def bits_to_nats(bits: float) -> float:
    """Convert bits to nats: ``nats = bits * ln 2``."""
    return float(bits) * LN2


def bits_per_dim(nats_per_item: float, n_dims: int) -> float:
    """Bits per dimension from a NLL in nats per item (image, sequence) with ``n_dims`` dimensions.

    Example: a 8x8 binary image with NLL 20 nats has ``bits_per_dim(20, 64)`` ≈ 0.451 bits/dim.
    """
    if n_dims <= 0:
        raise ValueError(f"n_dims must be positive, got {n_dims}")
    return nats_to_bits(nats_per_item) / n_dims


def fmt_nats(nats: float, n_dims: int | None = None, per: str = "image") -> str:
    """Format a NLL as ``'12.34 nats/image (17.80 bits/image, 0.278 bits/dim)'``."""
    text = f"{nats:.3f} nats/{per} ({nats_to_bits(nats):.3f} bits/{per}"
    if n_dims is not None:
        text += f", {bits_per_dim(nats, n_dims):.4f} bits/dim"
    return text + ")"
