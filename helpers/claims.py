"""Claims the notebooks' prose makes, checked by the run that computes them.

A notebook that says "the Gated PixelCNN beats the PixelCNN" or "within 5 % of the entropy" computes the
numbers and calls :func:`claim` right after: the claim is printed with the numbers it rests on, and a claim that
stops holding (another seed, a quick budget, a changed model) raises :class:`ClaimError` with the same line, so
that the notebook, and CI, fail the day a claim turns false. No number in the prose is typed by hand: the prose
names the quantity, :func:`claim` prints it.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["ClaimError", "claim"]


class ClaimError(AssertionError):
    """A claim of the notebook's prose that the run's numbers do not support."""


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return repr(number) if not math.isfinite(number) else f"{number:.4g}"


def claim(holds: Any, statement: str, **numbers: Any) -> None:
    """Print ``statement`` with the numbers it rests on, or raise :class:`ClaimError` if it does not hold.

    Args:
        holds: the claim's condition, computed from the run's numbers (anything ``bool()`` takes: a NumPy or
            torch boolean included).
        statement: the claim in the prose's words, e.g. ``"the Gated PixelCNN has a lower test NLL"``.
        **numbers: the quantities the claim rests on, printed with 4 significant digits; name them with their
            unit, e.g. ``gated_bits_per_dim=0.52``.

    Returns:
        None; prints ``✓ claim: <statement> (name = value, ...)`` to stdout.

    Raises:
        ClaimError: when ``holds`` is false, with the same line, so that the cell fails.
    """
    detail = ", ".join(f"{name} = {_shown(value)}" for name, value in numbers.items())
    line = statement + (f" ({detail})" if detail else "")
    if not bool(holds):
        raise ClaimError(f"the notebook claims: {line}; this run's numbers do not support it")
    print(f"✓ claim: {line}")
