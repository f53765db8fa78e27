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

from autograder.grading.collect import lms_fields
from autograder.results.export import (
    CANVAS_FIXED,
    ExportRefused,
    canvas_file_key,
    canvas_file_keys,
    import_table,
    match_students,
    moodle_prefixes,
    pack_feedback,
    parse_points,
    read_roster,
    write_imports,
)

LMS = Path(__file__).resolve().parent / "lms"


def read_csv(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with path.open(newline="", encoding=encoding) as handle:
        return list(csv.reader(handle))


def test_canvas_file_key_is_the_name_in_canvas_downloads():
    # Canvas names a download doejane_12345_67890_<file>: the sortable name, lower case, letters only
    assert canvas_file_key("Doe, Jane") == "doejane" and canvas_file_key("Smith, Mary-Ann") == "smithmaryann"
    # accents: taken off, the letters dropped, or kept; another script: kept (whichever the download spelt)
    assert canvas_file_keys("García, Lucía") == {"garcialucia", "garcaluca", "garcíalucía"}
    assert canvas_file_keys("Иванова, Мария") == {"ивановамария"}


def test_the_lms_fields_of_a_download_file_name():
    assert lms_fields("garcialucia_LATE_20437_99120_02_entropy.ipynb") == {
        "lms": "canvas", "lms_user_id": "20437", "participant_id": "", "late": "late"}
    assert lms_fields("doejane_20431_99121_Copy of 02_entropy.ipynb")["late"] == ""
    assert lms_fields("Jane Doe_318_assignsubmission_file_02_entropy.ipynb") == {
        "lms": "moodle", "lms_user_id": "", "participant_id": "318", "late": ""}
    assert lms_fields("alice_02_entropy.ipynb")["lms"] == ""


def test_canvas_roster_skips_points_possible_and_the_test_student():
    roster = read_roster(LMS / "canvas-gradebook.csv", "canvas")
    assert [r["Student"] for r in roster.rows] == ["Doe, Jane", "Ng, Andrew", "Smith, Mary-Ann", "Lee, Kim", "Lee, Kim"]
    assert roster.points_possible["01_statistics (4101)"] == "14.00"


def test_canvas_import_file(tmp_path):
    """Canvas: only students graded here get a row, the points are on Canvas's Points Possible, a BOM."""
    roster = read_roster(LMS / "canvas-gradebook.csv", "canvas")
    scores = {
        "doejane": (12.0, 14.0),  # by the download's file name
        "S1002": (14.0, 14.0),  # by the SIS User ID
        "leekim": (1.0, 14.0),  # two "Lee, Kim": ambiguous by name...
        "kim": (7.0, 14.0),  # ...but this one's download said user id 20435
        "zed": (3.0, 14.0),  # not in the roster
    }
    export = import_table(scores, roster, "01_statistics", {"kim": "20435"})
    assert export.header == CANVAS_FIXED + ["01_statistics (4101)"]
    assert export.rows[0] == ["Points Possible", "", "", "", "", "14"]
    assert export.rows[1:] == [["Doe, Jane", "20431", "S1001", "jdoe", "Generative Models 2026 - A", "12"],
                               ["Ng, Andrew", "20432", "S1002", "ang", "Generative Models 2026 - A", "14"],
                               ["Lee, Kim", "20435", "S1005", "klee2", "Generative Models 2026 - B", "7"]]
    assert "the points as they are" in export.scale
    problems = {(p.split(": ", 1)[1], s) for p, s, _ in export.problems}
    assert ("graded here, not in the roster", "zed") in problems
    assert ("graded here, several roster students match", "leekim") in problems
    written, _ = write_imports([export], "canvas", tmp_path)
    assert written == [tmp_path / "canvas-01_statistics.csv"]
    assert written[0].read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_csv(written[0], "utf-8-sig")[0] == export.header
    assert read_csv(tmp_path / "unmatched.csv")[1:] == [list(p) for p in export.problems]


def test_canvas_points_possible_scale_the_scores():
    roster = read_roster(LMS / "canvas-gradebook.csv", "canvas")
    export = import_table({"doejane": (9.0, 18.0)}, roster, "02_entropy")  # Canvas: out of 20, here out of 18
    assert export.rows[0][-1] == "20" and export.rows[1][-1] == "10"
    assert "18 points here = 20 in canvas" in export.scale and "times 1.11111" in export.scale
    new = import_table({"doejane": (9.0, 18.0)}, roster, "03_generative_modelling")  # a new column: Canvas creates it
    assert new.header[-1] == "03_generative_modelling" and new.rows[0][-1] == "18" and new.rows[1][-1] == "9"
    assert import_table({"doejane": (9.0, 18.0)}, roster, "02_entropy", points={"02_entropy": 100}).rows[1][-1] == "50"


def test_canvas_without_points_possible_stops(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Student,ID,SIS User ID,SIS Login ID,Section,02_entropy (4102)\n"
                    "    Points Possible,,,,,\n\"Doe, Jane\",1,S1,jdoe,A,\n")
    with pytest.raises(ExportRefused, match="gives no points possible for '02_entropy \\(4102\\)'"):
        import_table({"doejane": (9.0, 18.0)}, read_roster(path, "canvas"), "02_entropy")


def test_moodle_import_file(tmp_path):
    roster = read_roster(LMS / "moodle-grades.csv", "moodle")
    scores = {"Jane Doe": (13.0, 14.0), "andrew.ng": (7.0, 14.0), "Nobody Here": (1.0, 14.0)}
    with pytest.raises(ExportRefused, match="does not say the maximum grade"):
        import_table(scores, roster, "01_statistics")
    export = import_table(scores, roster, "01_statistics", points=parse_points("01_statistics=100", ["01_statistics"]))
    assert export.header == ["Email address", "Assignment: 01_statistics (Real)"]
    assert export.rows == [["jane.doe@example.edu", "92.86"], ["andrew.ng@example.edu", "50"]]
    assert not any(v in ("", "-") for _, v in export.rows), "Moodle reads '' and '-' as no grade"
    written, problems = write_imports([export], "moodle", tmp_path)
    assert not written[0].read_bytes().startswith(b"\xef\xbb\xbf")
    assert ["01_statistics: graded here, not in the roster", "Nobody Here", ""] in problems
    assert any("no graded hand-in here" in p and "Smith" in r for p, _, r in problems)


def test_points_parse():
    assert parse_points("100", ["a", "b"]) == {"a": 100.0, "b": 100.0}
    assert parse_points("a=50, b=20", ["a", "b"]) == {"a": 50.0, "b": 20.0}
    with pytest.raises(SystemExit):
        parse_points("a=x", ["a"])


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


def test_names_match_after_unicode_normalisation():
    import unicodedata

    roster = read_roster(LMS / "moodle-term-grades.csv", "moodle")
    nfd = unicodedata.normalize("NFD", "Lucía García")
    matching = match_students([nfd, "МАРИЯ ИВАНОВА"], roster)
    assert matching.rows == {nfd: 1, "МАРИЯ ИВАНОВА": 2}


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
