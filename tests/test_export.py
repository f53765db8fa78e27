"""``make export``: the roster an LMS exports in, the file it imports out, nobody dropped, feedback packed.

The rosters are real-looking exports of Canvas and Moodle (``tests/lms/``); the checks are the documented
import formats: Canvas reads ``Student, ID, SIS User ID, SIS Login ID, Section`` and then one column per assignment
(an existing assignment by its ``name (id)`` header), with an optional ``Points Possible`` row; Moodle's CSV import
needs one column that identifies the user (email address, ID number or username) and one column per grade item.
The grading path itself (a real gradebook) is tested in ``tests/test_grading.py``.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

from autograder.export import (
    CANVAS_FIXED,
    canvas_file_key,
    match_students,
    moodle_prefixes,
    pack_feedback,
    read_roster,
    write_import,
)

LMS = Path(__file__).resolve().parent / "lms"
ASSIGNMENTS = ["01_statistics", "02_entropy", "03_generative_modelling"]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_canvas_file_key_is_the_name_in_canvas_downloads():
    # Canvas names a download doejane_12345_67890_<file>: the sortable name, lower case, letters only
    assert canvas_file_key("Doe, Jane") == "doejane" and canvas_file_key("Smith, Mary-Ann") == "smithmaryann"


def test_canvas_roster_skips_points_possible_and_the_test_student():
    roster = read_roster(LMS / "canvas-gradebook.csv", "canvas")
    assert [r["Student"] for r in roster.rows] == ["Doe, Jane", "Ng, Andrew", "Smith, Mary-Ann", "Lee, Kim", "Lee, Kim"]
    assert roster.points_possible["01_statistics (4101)"] == "14.00"


def test_canvas_import_file(tmp_path):
    roster = read_roster(LMS / "canvas-gradebook.csv", "canvas")
    scores = {
        "doejane": {"01_statistics": (12.0, 14.0), "02_entropy": (20.0, 20.0)},  # by the download's file name
        "S1002": {"01_statistics": (14.0, 14.0)},  # by the SIS User ID
        "msmith": {"03_generative_modelling": (7.5, 15.0)},  # by the SIS Login ID, a new assignment
        "leekim": {"01_statistics": (1.0, 14.0)},  # two "Lee, Kim": ambiguous
        "zed": {"01_statistics": (3.0, 14.0)},  # not in the roster
    }
    target, unmatched = write_import(scores, roster, ASSIGNMENTS, tmp_path)
    rows = read_csv(target)
    header = rows[0]
    assert header[:5] == CANVAS_FIXED
    assert header[5:] == ["01_statistics (4101)", "02_entropy (4102)", "03_generative_modelling"]
    assert rows[1][:5] == ["Points Possible", "", "", "", ""] and rows[1][5:] == ["14", "20", "15"]
    by_id = {r[1]: r for r in rows[2:]}
    assert set(by_id) == {"20431", "20432", "20433", "20434", "20435"}, "every roster student keeps a row"
    assert by_id["20431"][5:] == ["12", "20", ""] and by_id["20431"][:5] == [
        "Doe, Jane", "20431", "S1001", "jdoe", "Generative Models 2026 - A"]
    assert by_id["20432"][5:] == ["14", "", ""] and by_id["20433"][5:] == ["", "", "7.5"]
    assert by_id["20434"][5:] == ["", "", ""] == by_id["20435"][5:], "an ambiguous id is not guessed"
    problems = {(p, s) for p, s, _ in unmatched}
    assert ("graded here, not in the roster", "zed") in problems
    assert ("graded here, several roster students match", "leekim") in problems
    assert sum(p == "in the roster, nothing graded here" for p, _, _ in unmatched) == 2  # the two Lee, Kim
    assert read_csv(tmp_path / "unmatched.csv")[1:] == [list(u) for u in unmatched]


def test_moodle_import_file(tmp_path):
    roster = read_roster(LMS / "moodle-grades.csv", "moodle")
    scores = {
        "Jane Doe": {"01_statistics": (13.0, 14.0)},  # the full name, as in Moodle's download file names
        "andrew.ng": {"02_entropy": (10.0, 20.0)},  # the email's local part
        "Nobody Here": {"01_statistics": (1.0, 14.0)},
    }
    target, unmatched = write_import(scores, roster, ASSIGNMENTS[:2], tmp_path)
    rows = read_csv(target)
    assert rows[0] == ["Email address", "Assignment: 01_statistics (Real)", "02_entropy"]
    assert rows[1:] == [["jane.doe@example.edu", "13", ""], ["andrew.ng@example.edu", "", "10"],
                        ["m.smith@example.edu", "", ""]]
    assert ["graded here, not in the roster", "Nobody Here", ""] in unmatched
    assert any(p == "in the roster, nothing graded here" and "Smith" in r for p, _, r in unmatched)


def test_a_file_that_is_not_a_roster_is_refused(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("name,score\nJane,3\n")
    with pytest.raises(SystemExit, match="not a canvas gradebook export"):
        read_roster(path, "canvas")
    with pytest.raises(SystemExit, match="not a moodle gradebook export"):
        read_roster(path, "moodle")


def test_ids_match_case_and_space_insensitively():
    roster = read_roster(LMS / "moodle-grades.csv", "moodle")
    matching = match_students(["jane  doe", "S1003"], roster)
    assert matching.rows == {"jane  doe": 0, "S1003": 2} and matching.without_grades == [1]


def feedback_tree(tmp_path: Path) -> Path:
    feedback = tmp_path / "feedback"
    for student in ("Jane Doe", "Andrew Ng"):
        folder = feedback / student / "01_statistics"
        folder.mkdir(parents=True)
        (folder / "01_statistics.html").write_text(f"<html>{student}</html>")
    return feedback


def test_moodle_feedback_zip_uses_the_download_prefix(tmp_path):
    downloaded = tmp_path / "downloaded" / "01_statistics" / "archive"
    downloaded.mkdir(parents=True)
    # Moodle's "Download all submissions": <Full name>_<participant id>_assignsubmission_file_<file>
    (downloaded / "Jane Doe_318_assignsubmission_file_01_statistics.ipynb").write_text("{}")
    assert moodle_prefixes("01_statistics", tmp_path / "downloaded") == {"Jane Doe": "Jane Doe_318_"}
    written = pack_feedback("moodle", feedback_tree(tmp_path), tmp_path / "out", tmp_path / "downloaded")
    assert tmp_path / "out" / "feedback-01_statistics.zip" in written
    with zipfile.ZipFile(tmp_path / "out" / "feedback-01_statistics.zip") as zf:
        assert zf.namelist() == ["Jane Doe_318_feedback_01_statistics.html"]
        assert zf.read(zf.namelist()[0]) == b"<html>Jane Doe</html>"
    # Andrew Ng's hand-in did not come through a Moodle download: a zip of his own, not dropped
    with zipfile.ZipFile(tmp_path / "out" / "feedback" / "Andrew Ng.zip") as zf:
        assert zf.namelist() == ["01_statistics/01_statistics.html"]


def test_canvas_feedback_is_a_zip_per_student(tmp_path):
    written = pack_feedback("canvas", feedback_tree(tmp_path), tmp_path / "out", tmp_path / "none")
    assert sorted(p.name for p in written) == ["Andrew Ng.zip", "Jane Doe.zip"]
