"""Friendly self-checks for the notebooks' tests: each failed check says what went wrong and, if it can, why.

Each check raises ``AssertionError`` with a message that says what was checked, what was expected, what
came (with enough digits to show the difference, and the relative error) and, when the value that came
back reveals it, a line ``Likely mistake: <phrase>.`` where ``<phrase>`` is a short, stable description of
the mistake with no numbers in it, so that a class report can group hand-ins by the mistake named
(:func:`likely_mistake` reads it back). A general ``Hint:`` may follow; it must hold whatever the mistake.
On success a check prints one line starting with ``✓`` to stdout (never to stderr: nbgrader gives no
points to a test cell that writes to stderr).

The known mistakes are given to a check as ``mistakes={phrase: wrong_value}``: the wrong value that the
mistake produces on the same input. A phrase is printed only when the value that came back matches its
wrong value, so a check never blames a cause that the value rules out.

Call a student's function through :func:`check_call`: an exception inside it becomes
``calling f(...) raised ValueError: ...`` with the check's hint, not a bare traceback. A check of a
later function that needs an earlier one runs inside ``with check_prerequisite("f"):``, which says so
when it fails. Boolean masks, dependency maps and receptive fields are compared with
:func:`check_mask`, which draws expected and got as small ``#``/``.`` maps.

The checks compare with NumPy functions captured when this module is imported, so a notebook cell that
later replaces ``np.allclose`` does not change what they decide.
"""

from __future__ import annotations

import contextlib
import math
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NoReturn

import numpy as np
import torch

_isclose = np.isclose
_asarray = np.asarray
_all = np.all
_any = np.any
_isnan = np.isnan
_array_equal = np.array_equal

#: The line that names a mistake starts with this (see :func:`likely_mistake`).
MISTAKE_PREFIX = "Likely mistake: "


def _as_array(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().to(torch.float64).numpy()
    return _asarray(value, dtype=float)


def _number(value: float, other: float | None = None) -> str:
    """``value`` with enough significant digits (6 to 17) to differ from ``other`` when it does."""
    value = float(value)
    if not math.isfinite(value):
        return repr(value)
    if other is None or not math.isfinite(float(other)) or float(other) == value:
        return f"{value:.6g}"
    for digits in range(6, 18):
        if f"{value:.{digits}g}" != f"{float(other):.{digits}g}":
            return f"{value:.{digits}g}"
    return repr(value)


def _short(value: Any, width: int = 160) -> str:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, threshold=30, edgeitems=4)
    elif isinstance(value, (float, np.floating)):
        text = _number(float(value))
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _phrase(phrase: str) -> str:
    phrase = phrase.strip()
    return phrase if phrase.endswith((".", "?", "!")) else phrase + "."


def _message(head: str, mistake: str | None = None, hint: str | None = None) -> str:
    lines = [head]
    if mistake:
        lines.append(MISTAKE_PREFIX + _phrase(mistake))
    if hint:
        lines.append("Hint: " + _phrase(hint))
    return "\n".join(lines)


def _fail(what: str, expected: Any, got: Any, hint: str | None, mistake: str | None = None) -> NoReturn:
    raise AssertionError(_message(f"{what}: expected {_short(expected)}, got {_short(got)}.", mistake, hint))


def _numbers(got: Any, what: str, expected: Any, hint: str | None, mistake: str) -> np.ndarray:
    """``got`` as an array of numbers, or the check fails naming ``mistake``."""
    try:
        return _as_array(got)
    except (TypeError, ValueError):
        _fail(what, expected, got, hint, mistake)


def likely_mistake(message: str) -> str | None:
    """The phrase of the ``Likely mistake: <phrase>.`` line of a failed check's message, or None.

    Args:
        message: a failed check's message (or the ``AssertionError`` itself: anything ``str()`` takes).

    Returns:
        The phrase of the first line that starts with :data:`MISTAKE_PREFIX`, without its final period; None when
        no line names a mistake.
    """
    for line in str(message).splitlines():
        if line.startswith(MISTAKE_PREFIX):
            return line[len(MISTAKE_PREFIX):].strip().rstrip(".")
    return None


def ok(message: str) -> None:
    """Print a passed check (to stdout).

    Args:
        message: what held; printed as ``✓ <message>``.
    """
    print(f"✓ {message}")


def _matches(got: np.ndarray, value: Any, atol: float, rtol: float) -> bool:
    try:
        wrong = _as_array(value)
    except (TypeError, ValueError):
        return False
    if wrong.shape != got.shape and wrong.size != 1:
        return False
    if bool(_all(_isnan(wrong))):  # a mistake known to give NaN
        return bool(_all(_isnan(got)))
    return bool(_all(_isclose(got, wrong, atol=atol, rtol=rtol)))


def _which_mistake(
    got: np.ndarray, expected: np.ndarray, mistakes: Mapping[str, Any] | None, atol: float, rtol: float
) -> str | None:
    """The first phrase whose wrong value ``got`` matches (and ``expected`` does not)."""
    for phrase, value in (mistakes or {}).items():
        if _matches(got, value, atol, rtol) and not _matches(expected, value, atol, rtol):
            return phrase
    return None


def _difference(got: np.ndarray, expected: np.ndarray, atol: float, rtol: float) -> str:
    """Where and how much ``got`` differs from ``expected`` (the first differing entry, the relative error)."""
    got_b, exp_b = np.broadcast_arrays(got, expected)
    close = _isclose(got_b, exp_b, atol=atol, rtol=rtol)
    bad = np.argwhere(~close)
    if got_b.ndim == 0 or got_b.size == 1:
        g, e = float(got_b.reshape(-1)[0]), float(exp_b.reshape(-1)[0])
        text = f"expected {_number(e, g)}, got {_number(g, e)}"
        if math.isfinite(g) and math.isfinite(e) and e != 0:
            text += f" (relative error {abs(g - e) / abs(e):.1e})"
        return text
    index = tuple(int(i) for i in bad[0])
    g, e = float(got_b[index]), float(exp_b[index])
    text = (f"expected {_short(expected)}, got {_short(got)}; {len(bad)} of {got_b.size} entries differ, "
            f"the first at index {index}: expected {_number(e, g)}, got {_number(g, e)}")
    finite = np.isfinite(got_b) & np.isfinite(exp_b)
    if bool(_any(finite)):
        scale = max(float(np.max(np.abs(exp_b[finite]))), 1e-300)
        text += f" (largest error {float(np.max(np.abs(got_b[finite] - exp_b[finite]))) / scale:.1e} relative)"
    return text


def check_close(
    got: Any,
    expected: Any,
    what: str,
    *,
    atol: float = 1e-6,
    rtol: float = 1e-6,
    hint: str | None = None,
    mistakes: Mapping[str, Any] | None = None,
) -> None:
    """Check that ``got`` equals ``expected`` elementwise within ``atol + rtol * |expected|``.

    Works on numbers, lists, NumPy arrays and torch tensors (of any float dtype); infinities must match
    exactly, NaN never matches. ``what`` names the quantity, e.g. ``"entropy([0.5, 0.5])"``.
    ``mistakes`` maps a phrase (``"log base 2 instead of the natural log"``) to the value that mistake
    gives on the same input; the phrase is printed as ``Likely mistake: ...`` only when ``got`` matches
    that value (within ``max(rtol, 1e-5)`` relative). ``hint`` is printed on every failure, so it must
    be advice that holds whatever went wrong.

    Args:
        got: the value that came back (a number, a list, an array or a tensor).
        expected: the right value, of the same shape (or a single number when ``got`` is one).
        what: the quantity's name, printed in the check's line and in its failure message.
        atol: the absolute tolerance.
        rtol: the relative tolerance, a fraction of ``|expected|``.
        hint: advice printed on every failure.
        mistakes: phrase -> the wrong value that mistake gives on the same input.

    Raises:
        AssertionError: when ``got`` is not numeric, its shape differs from ``expected``'s (one number against one
            number excepted), it has a NaN where ``expected`` has none, or an entry is not within the tolerance.
    """
    got_arr = _numbers(got, what, expected, hint, "the result is not a number or an array of numbers")
    exp_arr = _as_array(expected)
    if got_arr.shape != exp_arr.shape and got_arr.size != 1 and exp_arr.size != 1:
        mistake = None
        if got_arr.ndim == exp_arr.ndim == 2 and got_arr.shape == exp_arr.shape[::-1]:
            mistake = "the output is transposed (rows and columns swapped)"
        _fail(f"{what} (shape)", exp_arr.shape, got_arr.shape, hint, mistake)
    if got_arr.shape != exp_arr.shape and got_arr.size == 1 and exp_arr.size != 1:
        _fail(f"{what} (shape)", exp_arr.shape, got_arr.shape, hint, "one number returned where an array is expected")
    if got_arr.shape != exp_arr.shape and exp_arr.size == 1 and got_arr.size != 1:
        _fail(f"{what} (shape)", exp_arr.shape, got_arr.shape, hint, "an array returned where one number is expected")
    loose = max(rtol, 1e-5)
    if bool(_any(_isnan(got_arr))) and not bool(_any(_isnan(exp_arr))):
        mistake = _which_mistake(got_arr, exp_arr, mistakes, max(atol, 1e-9), loose)
        raise AssertionError(_message(
            f"{what}: expected {_short(expected)}, got {_short(got)} (NaN).",
            mistake or "NaN from 0 * log 0, the log of a negative number, inf - inf or 0 / 0", hint))
    if not bool(_all(_isclose(got_arr, exp_arr, atol=atol, rtol=rtol))):
        mistake = _which_mistake(got_arr, exp_arr, mistakes, max(atol, 1e-9), loose)
        raise AssertionError(_message(f"{what}: {_difference(got_arr, exp_arr, atol, rtol)}.", mistake, hint))
    ok(what)


def check_equal(
    got: Any, expected: Any, what: str, *, hint: str | None = None, mistakes: Mapping[str, Any] | None = None
) -> None:
    """Check exact equality (``==`` on scalars, elementwise on arrays and tensors, same shape).

    ``mistakes`` as in :func:`check_close` (matched exactly).

    Args:
        got: the value that came back.
        expected: the right value; an array, a tensor, a list or a tuple is compared elementwise (after conversion
            to a float array), anything else with ``==``.
        what: as in :func:`check_close` (the quantity's name).
        hint: as in :func:`check_close`.
        mistakes: as in :func:`check_close`, each wrong value matched exactly.

    Raises:
        AssertionError: when ``got`` differs from ``expected`` (in shape, or in any entry).
    """
    if isinstance(expected, (np.ndarray, torch.Tensor, list, tuple)):
        got_arr = _numbers(got, what, expected, hint, "the result is not an array of numbers")
        exp_arr = _as_array(expected)
        if got_arr.shape != exp_arr.shape:
            _fail(f"{what} (shape)", exp_arr.shape, got_arr.shape, hint)
        if not bool(_all(got_arr == exp_arr)):
            mistake = _which_mistake(got_arr, exp_arr, mistakes, 0.0, 0.0)
            raise AssertionError(_message(f"{what}: {_difference(got_arr, exp_arr, 0.0, 0.0)}.", mistake, hint))
    elif got != expected:
        mistake = next((p for p, v in (mistakes or {}).items() if v == got), None)
        _fail(what, expected, got, hint, mistake)
    ok(what)


def check_true(condition: bool, what: str, *, hint: str | None = None, mistake: str | None = None) -> None:
    """Check that ``condition`` holds; ``what`` says, in words, what should hold.

    ``mistake`` names the mistake that a failure of this very condition reveals (printed as
    ``Likely mistake: ...``); leave it out when the condition can fail for several reasons.

    Args:
        condition: what must hold (anything ``bool()`` takes).
        what: what should hold, in words; printed in the check's line and in its failure message.
        hint: advice printed on a failure.
        mistake: the mistake that a failure reveals.

    Raises:
        AssertionError: when ``condition`` is false.
    """
    if not bool(condition):
        raise AssertionError(_message(f"{what}: does not hold.", mistake, hint))
    ok(what)


def check_shape(
    got: Any,
    shape: Sequence[int],
    what: str,
    *,
    hint: str | None = None,
    mistakes: Mapping[str, Sequence[int]] | None = None,
) -> None:
    """Check the shape of an array or tensor; ``mistakes`` maps a phrase to the wrong shape it gives.

    Args:
        got: the value that came back (its ``.shape``, else ``np.shape(got)``).
        shape: the expected shape.
        what: the value's name, printed in the check's line and in its failure message.
        hint: advice printed on a failure.
        mistakes: phrase -> the wrong shape that mistake gives (a transposed 2-D shape is named even without one).

    Raises:
        AssertionError: when the shape differs from ``shape``.
    """
    got_shape = tuple(getattr(got, "shape", np.shape(got)))
    if got_shape != tuple(shape):
        mistake = next((p for p, s in (mistakes or {}).items() if tuple(s) == got_shape), None)
        if mistake is None and len(got_shape) == 2 and got_shape == tuple(shape)[::-1]:
            mistake = "the output is transposed (rows and columns swapped)"
        _fail(f"{what} (shape)", tuple(shape), got_shape, hint, mistake)
    ok(f"{what} has shape {tuple(shape)}")


def _call_text(func: Callable[..., Any], args: tuple, kwargs: dict) -> str:
    parts = [_short(a, 40) for a in args] + [f"{k}={_short(v, 40)}" for k, v in kwargs.items()]
    return f"{getattr(func, '__name__', 'the function')}({', '.join(parts)})"


def _where(error: BaseException) -> str:
    """`` (line N: code)`` for the last frame of the traceback that is not in a library, or ''."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)  # the grader's own frames say nothing either
              if "site-packages" not in f.filename and "checks.py" not in f.filename
              and "autograder" not in f.filename.replace("\\", "/").split("/")]
    if not frames:
        return ""
    frame = frames[-1]
    code = f": {frame.line.strip()}" if frame.line else ""
    return f" (line {frame.lineno}{code})"


def check_call(func: Callable[..., Any], *args: Any, what: str | None = None, hint: str | None = None,
               **kwargs: Any) -> Any:
    """Return ``func(*args, **kwargs)``; an exception inside it fails the check with a readable message.

    The message reads ``calling f(...) raised ValueError: <its message> (line N: <code>).`` followed
    by ``hint``. ``what`` replaces the ``f(...)`` text when the arguments are long.

    Args:
        func: the student's function.
        *args: its positional arguments.
        what: the text that names the call in a failure message; by default ``f(<args>)``.
        hint: advice printed when the call raises.
        **kwargs: its keyword arguments.

    Returns:
        What ``func(*args, **kwargs)`` returns.

    Raises:
        AssertionError: when the call raises an ``Exception`` (a ``NotImplementedError`` is named as a function
            not written yet).
    """
    try:
        return func(*args, **kwargs)
    except NotImplementedError:
        name = getattr(func, "__name__", "the function")
        raise AssertionError(_message(f"calling {what or _call_text(func, args, kwargs)} raised NotImplementedError.",
                                      f"{name} is not written yet", "replace raise NotImplementedError() "
                                      "with your code and run its cell")) from None
    except Exception as error:  # noqa: BLE001 - any exception in a student's function is reported
        text = f"{type(error).__name__}: {error}".splitlines()[0] if str(error) else type(error).__name__
        raise AssertionError(_message(
            f"calling {what or _call_text(func, args, kwargs)} raised {text}{_where(error)}.", None, hint)) from None


@contextlib.contextmanager
def check_prerequisite(name: str, *, fix_first: str | None = None) -> Iterator[None]:
    """Run the checks of an earlier function ``name`` that a later check needs.

    Inside ``with check_prerequisite("reverse_kl"):`` a failure is reported as
    ``this check needs reverse_kl, which fails: <its message>`` so that the student fixes the real
    cause first, not the function whose check is running. Nothing is printed on success.

    Args:
        name: the earlier function's name, as the student knows it.
        fix_first: the hint of a failure; by default ``fix <name> first and run its check cell, then run this cell
            again``.

    Returns:
        A context manager for a ``with`` block (it binds None); the block's output to stdout is discarded.

    Raises:
        AssertionError: when the block raises an ``Exception``, with the first line of its message (and its
            ``Likely mistake`` line, if any).
    """
    try:
        with contextlib.redirect_stdout(_Discard()):
            yield
    except Exception as error:  # noqa: BLE001 - a failure or an exception of the earlier function
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        mistake = likely_mistake(str(error))
        raise AssertionError(_message(
            f"this check needs {name} (above), which fails: {first}",
            mistake, fix_first or f"fix {name} first and run its check cell, then run this cell again")) from None


class _Discard:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def _as_mask(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return _asarray(value) != 0


def mask_picture(mask: Any) -> list[str]:
    """A boolean 2-D map as lines of ``#`` (true, nonzero) and ``.`` (false, zero).

    Args:
        mask: the map [H, W], an array, a list or a tensor (nonzero is true). One of more dimensions is drawn as
            its last two when they hold all its entries (e.g. [1, 1, H, W]); any other shape as one row.

    Returns:
        The map's rows, one string per row.
    """
    array = _as_mask(mask)
    if array.ndim > 2 and array.size == array.shape[-2] * array.shape[-1]:
        array = array.reshape(array.shape[-2:])
    elif array.ndim != 2:
        array = array.reshape(1, -1)
    return ["".join("#" if v else "." for v in row) for row in array]


def check_mask(
    got: Any,
    expected: Any,
    what: str,
    *,
    hint: str | None = None,
    mistakes: Mapping[str, Any] | None = None,
    marker: tuple[int, int] | None = None,
) -> None:
    """Check a boolean 2-D map (a mask, a dependency map, a receptive field) entry by entry.

    Nonzero counts as true. A failure draws expected and got side by side as ``#`` (true) / ``.``
    (false), names the first differing entry (row, column), and names a mistake when got is the
    expected map transposed, flipped or inverted, or equals one of ``mistakes`` (phrase -> wrong map).
    ``marker`` = (row, col) is drawn as ``o``/``x`` (false/true) in both maps, e.g. the pixel whose
    receptive field is shown.

    Args:
        got: the map that came back (an array, a list or a tensor); one of the same size in another shape is
            reshaped to ``expected``'s.
        expected: the right map.
        what: the map's name, printed in the check's line and in its failure message.
        hint: advice printed on every failure.
        mistakes: phrase -> the wrong map that mistake gives.
        marker: (row, col) of an entry to mark in both drawings.

    Raises:
        AssertionError: when ``got`` is not an array, has a different size, or differs in an entry.
    """
    exp = _as_mask(expected)
    try:
        got_m = _as_mask(got)
    except (TypeError, ValueError):
        _fail(what, expected, got, hint, "the result is not an array")
        return
    if got_m.shape != exp.shape:
        squeezed = got_m.reshape(exp.shape) if got_m.size == exp.size else None
        if squeezed is None:
            mistake = "the output is transposed (rows and columns swapped)" if got_m.shape == exp.shape[::-1] else None
            _fail(f"{what} (shape)", exp.shape, got_m.shape, hint, mistake)
        got_m = squeezed
    if _array_equal(got_m, exp):
        ok(what)
        return
    mistake = None
    for phrase, value in (mistakes or {}).items():
        wrong = _as_mask(value)
        if wrong.shape == got_m.shape and _array_equal(wrong, got_m):
            mistake = phrase
            break
    if mistake is None and exp.ndim == 2:
        if exp.shape[0] == exp.shape[1] and _array_equal(got_m, exp.T):
            mistake = "rows and columns swapped (the map is transposed)"
        elif _array_equal(got_m, ~exp):
            mistake = "true and false swapped (the map is inverted)"
        elif _array_equal(got_m, exp[::-1]):
            mistake = "the map is upside down (rows in reverse order)"
        elif _array_equal(got_m, exp[:, ::-1]):
            mistake = "the map is mirrored (columns in reverse order)"
    bad = np.argwhere(got_m != exp)
    first = tuple(int(i) for i in bad[0])
    left, right = mask_picture(exp), mask_picture(got_m)
    if marker is not None and exp.ndim == 2:
        r, c = marker
        for pic, arr in ((left, exp), (right, got_m)):
            row = list(pic[r])
            row[c] = "x" if arr[r, c] else "o"
            pic[r] = "".join(row)
    width = max(len(left[0]) if left else 0, len("expected"))
    rows = [f"{'expected':<{width}}   got"] + [f"{a:<{width}}   {b}" for a, b in zip(left, right, strict=True)]
    head = (f"{what}: {len(bad)} of {exp.size} entries differ; the first at (row, col) = {first}: "
            f"expected {'#' if exp[first] else '.'} ({bool(exp[first])}), got {'#' if got_m[first] else '.'} "
            f"({bool(got_m[first])}). '#' = true or nonzero, '.' = false or zero:\n" + "\n".join(rows))
    raise AssertionError(_message(head, mistake, hint))


def check_raises(
    exception: type[BaseException],
    func: Callable[..., Any],
    *args: Any,
    what: str,
    hint: str | None = None,
    mistake: str | None = None,
    **kwargs: Any,
) -> None:
    """Check that ``func(*args, **kwargs)`` raises ``exception``.

    ``mistake`` names what a function that returns instead of raising here has missed (e.g. ``"q is not
    validated, only p"``); without it the message says that no exception was raised for an invalid input.

    Args:
        exception: the exception class the call must raise (a subclass of it counts).
        func: the student's function.
        *args: its positional arguments (the invalid input).
        what: the call's description, printed in the check's line and in its failure message.
        hint: advice printed on a failure.
        mistake: what a function that returns here has missed.
        **kwargs: its keyword arguments.

    Raises:
        AssertionError: when the call returns, or raises an ``Exception`` that is not ``exception``.
    """
    try:
        result = func(*args, **kwargs)
    except exception:
        ok(f"{what} raises {exception.__name__}")
        return
    except Exception as error:  # noqa: BLE001 - we report any other exception to the student
        raise AssertionError(_message(
            f"{what}: expected {exception.__name__}, got {type(error).__name__}: {error}{_where(error)}.",
            f"{type(error).__name__} raised where {exception.__name__} is asked for", hint)) from None
    raise AssertionError(_message(f"{what}: expected {exception.__name__}, but it returned {_short(result)}.",
                                  mistake or f"no {exception.__name__} raised for an invalid input", hint))


def check_type(
    got: Any, types: type | tuple[type, ...], what: str, *, hint: str | None = None
) -> None:
    """Check ``isinstance(got, types)``; a tensor, array or NumPy scalar where a float is asked is named as such.

    Args:
        got: the value that came back.
        types: the type, or a tuple of types, it must be an instance of.
        what: the value's name, printed in the check's line and in its failure message.
        hint: advice printed on a failure.

    Raises:
        AssertionError: when ``got`` is not an instance of ``types``.
    """
    if not isinstance(got, types):
        names = types.__name__ if isinstance(types, type) else " or ".join(t.__name__ for t in types)
        wanted = types if isinstance(types, tuple) else (types,)
        mistake = None
        if float in wanted or int in wanted:
            if isinstance(got, torch.Tensor):
                mistake = "a torch tensor returned instead of a Python number"
            elif isinstance(got, np.ndarray):
                mistake = "a NumPy array returned instead of a Python number"
            elif isinstance(got, np.generic):
                mistake = "a NumPy scalar returned instead of a Python number"
        elif np.ndarray in wanted and isinstance(got, torch.Tensor):
            mistake = "a torch tensor returned instead of a NumPy array"
        elif tuple in wanted and isinstance(got, (list, np.ndarray, torch.Tensor)):
            kind = {list: "a list", np.ndarray: "a NumPy array"}.get(type(got), "a torch tensor")
            mistake = f"{kind} returned instead of a tuple"
        _fail(f"{what} (type)", names, type(got).__name__, hint, mistake)
    ok(f"{what} is a {type(got).__name__}")
