"""Friendly self-checks for the notebooks' tests.

Each check raises ``AssertionError`` with a message that says what was expected, what came, and a
hint; on success it prints one line starting with ``✓`` to stdout (never to stderr: nbgrader gives
no points to a test cell that writes to stderr). The checks compare with NumPy functions captured
when this module is imported, so a notebook cell that later replaces ``np.allclose`` does not change
what they decide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

_isclose = np.isclose
_asarray = np.asarray
_all = np.all
_isnan = np.isnan


def _as_array(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return _asarray(value, dtype=float)


def _short(value: Any, width: int = 120) -> str:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=4, threshold=20, edgeitems=3)
    elif isinstance(value, float):
        text = f"{value:.6g}"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _fail(what: str, expected: Any, got: Any, hint: str | None) -> None:
    message = f"{what}: expected {_short(expected)}, got {_short(got)}."
    if hint:
        message += f" Hint: {hint}"
    raise AssertionError(message)


def ok(message: str) -> None:
    """Print a passed check (to stdout)."""
    print(f"✓ {message}")


def check_close(
    got: Any,
    expected: Any,
    what: str,
    *,
    atol: float = 1e-6,
    rtol: float = 1e-6,
    hint: str | None = None,
) -> None:
    """Check that ``got`` equals ``expected`` elementwise within ``atol + rtol * |expected|``.

    Works on numbers, lists, NumPy arrays and torch tensors; infinities must match exactly,
    NaN never matches. ``what`` names the quantity, e.g. ``"entropy([0.5, 0.5])"``.
    """
    try:
        got_arr = _as_array(got)
    except (TypeError, ValueError):
        _fail(what, expected, got, hint or "the result should be a number or an array of numbers")
        return
    exp_arr = _as_array(expected)
    if got_arr.shape != exp_arr.shape and got_arr.size != 1 and exp_arr.size != 1:
        _fail(f"{what} (shape)", exp_arr.shape, got_arr.shape, hint)
    if bool(np.any(_isnan(got_arr))):
        _fail(what, expected, got, hint or "got NaN: look for 0 * log 0, log of a negative number or 0/0")
    if not bool(_all(_isclose(got_arr, exp_arr, atol=atol, rtol=rtol))):
        _fail(what, expected, got, hint)
    ok(what)


def check_equal(got: Any, expected: Any, what: str, *, hint: str | None = None) -> None:
    """Check exact equality (``==`` on scalars, elementwise on arrays and tensors, same shape)."""
    if isinstance(expected, (np.ndarray, torch.Tensor, list, tuple)):
        got_arr, exp_arr = _as_array(got), _as_array(expected)
        if got_arr.shape != exp_arr.shape or not bool(_all(got_arr == exp_arr)):
            _fail(what, expected, got, hint)
    elif got != expected:
        _fail(what, expected, got, hint)
    ok(what)


def check_true(condition: bool, what: str, *, hint: str | None = None) -> None:
    """Check that ``condition`` holds; ``what`` says, in words, what should hold."""
    if not bool(condition):
        raise AssertionError(f"{what}: does not hold." + (f" Hint: {hint}" if hint else ""))
    ok(what)


def check_shape(got: Any, shape: Sequence[int], what: str, *, hint: str | None = None) -> None:
    """Check the shape of an array or tensor."""
    got_shape = tuple(getattr(got, "shape", np.shape(got)))
    if got_shape != tuple(shape):
        _fail(f"{what} (shape)", tuple(shape), got_shape, hint)
    ok(f"{what} has shape {tuple(shape)}")


def check_raises(
    exception: type[BaseException],
    func: Callable[..., Any],
    *args: Any,
    what: str,
    hint: str | None = None,
    **kwargs: Any,
) -> None:
    """Check that ``func(*args, **kwargs)`` raises ``exception``."""
    try:
        result = func(*args, **kwargs)
    except exception:
        ok(f"{what} raises {exception.__name__}")
        return
    except Exception as error:  # noqa: BLE001 - we report any other exception to the student
        raise AssertionError(
            f"{what}: expected {exception.__name__}, got {type(error).__name__}: {error}."
            + (f" Hint: {hint}" if hint else "")
        ) from None
    raise AssertionError(
        f"{what}: expected {exception.__name__}, but it returned {_short(result)}."
        + (f" Hint: {hint}" if hint else "")
    )


def check_type(got: Any, types: type | tuple[type, ...], what: str, *, hint: str | None = None) -> None:
    """Check ``isinstance(got, types)``."""
    if not isinstance(got, types):
        names = types.__name__ if isinstance(types, type) else " or ".join(t.__name__ for t in types)
        _fail(f"{what} (type)", names, type(got).__name__, hint)
    ok(f"{what} is a {type(got).__name__}")
