"""Make ``digits8x8_levels.csv`` from the UCI optical digits that scikit-learn ships.

Run once by a maintainer (``python data/make_digits_levels.py``); scikit-learn is not a run-time
dependency of the course. The file is deterministic: running this again gives the same bytes
(its sha256 is checked by ``helpers.data``).

The pixels keep their 17 grey levels (0..16: the number of "on" cells in each 4x4 block of the
original 32x32 bitmap). The rows, their order and the train/test split are those of
``digits8x8_binary.csv`` (the same seeded permutation, see ``make_digits.py``), so that
``levels >= 8`` gives the binary file's pixels row for row.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

OUT = Path(__file__).with_name("digits8x8_levels.csv")
N_TEST = 297
SEED = 20261129  # the seed of make_digits.py: the same order and split


def main() -> None:
    digits = load_digits()
    images = digits.images.astype(np.uint8).reshape(len(digits.images), 64)
    assert images.min() == 0 and images.max() == 16
    labels = digits.target.astype(int)
    order = np.random.default_rng(SEED).permutation(len(images))
    split = np.array(["train"] * len(images), dtype=object)
    split[order[-N_TEST:]] = "test"
    lines = ["split,label," + ",".join(f"p{i:02d}" for i in range(64))]
    for i in order:
        lines.append(f"{split[i]},{labels[i]}," + ",".join(str(v) for v in images[i]))
    OUT.write_text("\n".join(lines) + "\n")
    print(OUT.name, hashlib.sha256(OUT.read_bytes()).hexdigest(), len(images), "images")


if __name__ == "__main__":
    main()
