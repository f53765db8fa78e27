"""Golden hand-ins, otter-grader style: committed inputs (``tests/golden/submitted/``), the release they are
repaired against (``tests/golden/golden_01_statistics/``) and the expected outcome (``tests/golden/expected/``):
the repaired notebook nbgrader grades and the report row. ``tests/test_grading.py`` grades the same hand-ins
and compares the whole row, scores included.

``UPDATE_GOLDEN=1`` rewrites the expected files from what the code does now; review the diff before committing.
Besides the comparison, each test checks what makes the expected files believable: the repaired notebook has
the release's graded cells with the release's metadata, and not one line of the student's code changed.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder.core import is_nbgrader_cell, nbgrader_meta
from autograder.grading.grade import HandIn, stage

GOLDEN = Path(__file__).resolve().parent / "golden"
ASSIGNMENT = "golden_01_statistics"
CASES = ["colab", "tampered"]
EXPECTED = GOLDEN / "expected"
REPORT = EXPECTED / "report.csv"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def release() -> nbformat.NotebookNode:
    return nbformat.read(GOLDEN / ASSIGNMENT / "release.ipynb", as_version=4)


def expected_rows() -> dict[str, dict[str, str]]:
    with REPORT.open(newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def staged_hand_in(case: str, tmp_path: Path) -> tuple[HandIn, Path | None]:
    """Stage the golden hand-in ``case`` as ``make grade`` does; return it and the repaired notebook's path."""
    submitted, staged = tmp_path / "submitted", tmp_path / "staged"
    shutil.copytree(GOLDEN / "submitted" / case, submitted / case)
    hand_in = HandIn(case, ASSIGNMENT)
    ok = stage(hand_in, {ASSIGNMENT: release()}, submitted=submitted, staged=staged)
    return hand_in, (staged / case / ASSIGNMENT / f"{ASSIGNMENT}.ipynb") if ok else None


def hand_in_file(case: str) -> Path:
    (path,) = (GOLDEN / "submitted" / case / ASSIGNMENT).glob("*.ipynb")
    return path


@pytest.mark.parametrize("case", CASES)
def test_golden_hand_in_is_repaired_as_expected(case, tmp_path):
    hand_in, repaired = staged_hand_in(case, tmp_path)
    assert repaired is not None, hand_in
    expected = EXPECTED / f"{case}.ipynb"
    if UPDATE:
        EXPECTED.mkdir(exist_ok=True)
        shutil.copyfile(repaired, expected)
    assert repaired.read_text() == expected.read_text(), f"the repaired {case} hand-in differs from {expected}"


@pytest.mark.parametrize("case", CASES)
def test_golden_report_row_as_expected(case, tmp_path):
    hand_in, _ = staged_hand_in(case, tmp_path)
    row = expected_rows()[case]
    assert "; ".join(hand_in.repairs) == row["repaired"] and hand_in.detail == row["detail"]
    flags = row["flags"].split("; ") if row["flags"] else []
    assert hand_in.flags == flags[: len(hand_in.flags)], "grading only adds flags after the ones of staging"


@pytest.mark.parametrize("case", CASES)
def test_the_expected_notebook_is_believable(case):
    """The release's graded cells with the release's metadata; the student's code unchanged."""
    repaired = nbformat.read(EXPECTED / f"{case}.ipynb", as_version=4)
    released = release()
    want = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c) for c in released.cells if is_nbgrader_cell(c)}
    got = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c) for c in repaired.cells if is_nbgrader_cell(c)}
    if case == "tampered":  # its last test cell was replaced by `pass`: still matched by position
        assert set(got) == set(want)
    assert got == want
    raw = json.loads(hand_in_file(case).read_text())
    sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in raw["cells"]]
    assert [c.source for c in repaired.cells] == sources, "repair must not change a cell's source"
    assert repaired.metadata["kernelspec"] == released.metadata["kernelspec"]


def test_the_colab_golden_looks_like_a_colab_download():
    raw = json.loads(hand_in_file("colab").read_text())
    assert (raw["nbformat"], raw["nbformat_minor"]) == (4, 0) and "colab" in raw["metadata"]
    assert all("id" not in c and "id" in c["metadata"] and "nbgrader" not in c["metadata"] for c in raw["cells"])
    assert any(c.get("outputs") for c in raw["cells"] if c["cell_type"] == "code")
    assert hand_in_file("colab").name == "Copy of 01_statistics.ipynb"
