"""The data sets shipped in ``data/``, each checked against its sha256 on load.

Nothing is downloaded: every file lives in the repository's ``data/`` folder (see ``data/README.md``
for provenance and licences). The folder is found from ``COURSE_DATA_DIR`` if set, else next to
this package, else in the current folder or one of its parents.
"""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHECKSUMS: dict[str, str] = {
    "digits8x8_binary.csv": "c2699daa717b58489330f24345ce8e3c274c1f5fe663d77930957fb073c27339",
    "digits8x8_levels.csv": "9ffa9e51bfb0ebc9d8cd2cda18897f9ce0986ae3e8698d432fbe90ba1e34b289",
}
"""sha256 of every shipped data file, by file name."""


def data_dir() -> Path:
    """The folder that holds the course's data files.

    Looks in ``COURSE_DATA_DIR`` if set, then in ``data/`` next to this package, then in ``data/`` of the current
    folder and each of its parents; the first that holds the first file of :data:`CHECKSUMS` wins.

    Returns:
        The folder's path.

    Raises:
        FileNotFoundError: when no candidate folder holds the data files (the message lists where it looked).
    """
    candidates: list[Path] = []
    if os.environ.get("COURSE_DATA_DIR"):
        candidates.append(Path(os.environ["COURSE_DATA_DIR"]))
    candidates.append(Path(__file__).resolve().parent.parent / "data")
    here = Path.cwd().resolve()
    candidates += [folder / "data" for folder in (here, *here.parents)]
    for folder in candidates:
        if (folder / next(iter(CHECKSUMS))).is_file():
            return folder
    raise FileNotFoundError(
        "Cannot find the course's data/ folder. Run the notebook's first cell, or set COURSE_DATA_DIR "
        f"to the folder that holds {next(iter(CHECKSUMS))}. Looked in: " + ", ".join(map(str, candidates))
    )


def data_path(name: str, sha256: str | None = None) -> Path:
    """Path of the data file ``name`` after checking its sha256.

    ``sha256`` is the expected digest; by default the one in :data:`CHECKSUMS`. Modules that ship
    their own data file (``helpers.text``, ...) pass their digest here.

    Args:
        name: the file's name in the data folder (:func:`data_dir`), e.g. ``"digits8x8_binary.csv"``.
        sha256: the expected sha256 digest (hex); by default ``CHECKSUMS[name]``.

    Returns:
        The file's path, once its digest matches.

    Raises:
        KeyError: when ``name`` is not in :data:`CHECKSUMS` and no ``sha256`` is given.
        FileNotFoundError: when the data folder cannot be found or the file is missing.
        OSError: when the file's digest differs from the expected one (damaged or changed).
    """
    expected = sha256 or CHECKSUMS.get(name)
    if expected is None:
        raise KeyError(f"unknown data file {name!r} and no sha256 given; known: {sorted(CHECKSUMS)}")
    path = data_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: restore it from the course repository.")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != expected:
        raise OSError(
            f"{path} is damaged or was changed: sha256 {digest}, expected {expected}. "
            "Restore it from the course repository."
        )
    return path


@dataclass(frozen=True)
class Digits:
    """Binarised 8x8 handwritten digits with a fixed train/test split.

    ``x_train`` [N_train, 8, 8] and ``x_test`` [N_test, 8, 8]: uint8 pixels in {0, 1};
    ``y_train`` [N_train] and ``y_test`` [N_test]: int64 labels 0..9.

    Args:
        x_train: the training images, uint8 [N_train, 8, 8].
        y_train: their labels, int64 [N_train].
        x_test: the test images, uint8 [N_test, 8, 8].
        y_test: their labels, int64 [N_test].
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _read_digits(name: str) -> Digits:
    """A digits file of ``data/`` (split, label, 64 pixels per row) as :class:`Digits`."""
    with data_path(name).open(newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    split = np.array([row[0] for row in rows])
    labels = np.array([int(row[1]) for row in rows], dtype=np.int64)
    pixels = np.array([[int(v) for v in row[2:]] for row in rows], dtype=np.uint8).reshape(-1, 8, 8)
    train, test = split == "train", split == "test"
    return Digits(pixels[train], labels[train], pixels[test], labels[test])


def load_digits() -> Digits:
    """The UCI optical digits (1,797 images, 8x8), binarised at grey level 8; 1,500 train, 297 test.

    Returns:
        :class:`Digits` with ``x_train`` uint8 [1500, 8, 8] and ``x_test`` uint8 [297, 8, 8] of pixels in {0, 1},
        ``y_train`` int64 [1500] and ``y_test`` int64 [297] of labels 0..9.

    Raises:
        FileNotFoundError: when the data folder or ``digits8x8_binary.csv`` cannot be found.
        OSError: when the file's sha256 does not match.
    """
    return _read_digits("digits8x8_binary.csv")


N_DIGIT_LEVELS = 17
"""Grey levels of the 8x8 digits: 0 (white) .. 16 (black), the ink count of a 4x4 block of the 32x32 scan."""


def load_digit_levels() -> Digits:
    """The UCI optical digits with their 17 grey levels (0..16): the images of :func:`load_digits` before binarising.

    Same 1,500 train / 297 test images, in the same order, as :func:`load_digits`: ``(levels >= 8)`` of
    ``x_train`` and ``x_test`` are ``load_digits()``'s binary pixels, and the labels are the same.
    ``x_train`` [1500, 8, 8] and ``x_test`` [297, 8, 8]: uint8 levels in 0..16; ``y_*``: int64 labels 0..9.

    Returns:
        :class:`Digits` with ``x_train`` uint8 [1500, 8, 8] and ``x_test`` uint8 [297, 8, 8] of levels in 0..16,
        ``y_train`` int64 [1500] and ``y_test`` int64 [297] of labels 0..9.

    Raises:
        FileNotFoundError: when the data folder or ``digits8x8_levels.csv`` cannot be found.
        OSError: when the file's sha256 does not match.
    """
    return _read_digits("digits8x8_levels.csv")
