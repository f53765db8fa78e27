"""Make ``digits8x8_binary.csv`` from the UCI optical digits that scikit-learn ships.

Run once by a maintainer (``python data/make_digits.py``); scikit-learn is not a run-time
dependency of the course. The file is deterministic: running this again gives the same bytes
(its sha256 is checked by ``helpers.data``).

Binarisation: a pixel is 1 when its grey level (0..16) is at least 8. Split: a seeded permutation,
the last 297 images (about 1/6) are the test set.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

OUT = Path(__file__).with_name("digits8x8_binary.csv")
N_TEST = 297
SEED = 20261129


def main() -> None:
    digits = load_digits()
    images = (digits.images >= 8).astype(np.uint8).reshape(len(digits.images), 64)
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
