"""Make ``alice.txt`` from the Canterbury Corpus copy of *Alice's Adventures in Wonderland*.

The source file is ``alice29.txt`` (152,089 bytes, sha256 ``7467306e...c38f0``, see ``SOURCE_SHA256``):
the Project Gutenberg etext #11 ("Millennium Fulcrum Edition 2.9") as the Canterbury Corpus ships it,
already without the Project Gutenberg header and licence. It was taken from the PyPI source distribution
``brotli-1.2.1.tar.gz`` (file ``brotli-1.2.1/tests/testdata/alice29.txt``), see ``alice.md``.

Usage: ``python data/make_alice.py PATH/TO/alice29.txt data/alice.txt``.

What it does, and nothing else: decode ASCII; drop the DOS end-of-file byte (0x1a) and the carriage
returns; turn the opening quote mark ````` into ``'``; join the hard-wrapped lines of each paragraph
with single spaces (a word split by a hyphen at a line end is joined back without a space) and squeeze
runs of spaces; write one paragraph a line, in the original order, ending with a newline.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

SOURCE_SHA256 = "7467306ee0feed4971260f3c87421154a05be571d944e9cb021a5713700c38f0"


def reflow(raw: bytes) -> str:
    """The cleaned text (one paragraph a line) from the bytes of ``alice29.txt``."""
    text = raw.decode("ascii").replace("\x1a", "").replace("\r", "").replace("`", "'")
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        joined = lines[0]
        for line in lines[1:]:
            hyphenated = joined.endswith("-") and not joined.endswith("--") and line[:1].isalpha()
            joined += line if hyphenated else " " + line
        paragraphs.append(re.sub(r" {2,}", " ", joined))
    return "\n".join(paragraphs) + "\n"


def main(source: str, target: str) -> None:
    raw = Path(source).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(f"{source}: sha256 {digest}, expected {SOURCE_SHA256}")
    Path(target).write_text(reflow(raw), encoding="ascii", newline="\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
