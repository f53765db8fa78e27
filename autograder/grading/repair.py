"""Repair a hand-in before nbgrader grades it, and say what was wrong with it.

nbgrader finds a student's answers and its own tests by the ``nbgrader`` metadata of each cell. A
notebook saved in Google Colab (nbformat 4.0, no cell ids, Colab's metadata) may have lost that
metadata, and a student may have edited, deleted or re-labelled cells. :func:`repair` matches the
hand-in's cells to the released notebook's graded cells, by metadata where it is intact and
otherwise by content (the names an answer cell defines, a test cell's source, the question that
precedes a written answer), and puts the released metadata back. The student's code and text are
never changed; nbgrader then restores the instructor's test cells as usual.
"""

from __future__ import annotations

import ast
import copy
import difflib
import json
from dataclasses import dataclass, field

import nbformat
from nbformat import NotebookNode
from nbgrader.utils import is_locked

from autograder.core import is_answer, is_nbgrader_cell, is_test, nbgrader_meta, normalized_source


@dataclass
class Repaired:
    """The outcome: a notebook ready for nbgrader (or ``None``), repairs made, and flags for a human.

    Args:
        notebook: the repaired hand-in, ready for nbgrader; None when it cannot be graded.
        repairs: what was repaired that needs no one's attention (``"saved in Google Colab"``).
        flags: what a human should look at (missing cells, metadata changed or cleared, tests edited).
        problem: why it cannot be graded (``"empty file"``, ``"wrong notebook: ..."``); None when it can.
    """

    notebook: NotebookNode | None
    repairs: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    problem: str | None = None


def defined_names(source: str) -> set[str]:
    """Top-level function and class names a code cell defines (empty if it does not parse).

    Args:
        source: a code cell's source.

    Returns:
        The names of its top-level ``def``, ``async def`` and ``class`` statements.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def read_hand_in(text: str) -> tuple[NotebookNode | None, str | None]:
    """Parse a hand-in as an nbformat 4.5 notebook with cell ids; ``(None, reason)`` if it is not one.

    Each cell gets metadata, a code cell outputs and an execution count where it lacks them, and a cell without a
    unique id of at most 64 characters the id ``handin-NNN`` (its index); ``nbgrader`` metadata that is not a
    mapping is dropped.

    Args:
        text: the hand-in file's text.

    Returns:
        ``(notebook, None)``, or ``(None, reason)`` (``"empty file"``, ``"not a notebook (not JSON)"``, ...).
    """
    if not text.strip():
        return None, "empty file"
    try:
        raw = json.loads(text)
    except ValueError:
        return None, "not a notebook (not JSON)"
    if not isinstance(raw, dict) or "cells" not in raw:
        return None, "not a notebook (JSON without cells)"
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as error:  # noqa: BLE001 - any reader error means: not a notebook we can grade
        return None, f"not a readable notebook ({type(error).__name__})"
    nb.nbformat, nb.nbformat_minor = 4, 5
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cell.setdefault("metadata", {})
        if "nbgrader" in cell.metadata and not isinstance(cell.metadata["nbgrader"], dict):
            del cell.metadata["nbgrader"]  # not nbgrader's: nothing to match or restore
        if cell.cell_type == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
        cell_id = cell.get("id")
        if not cell_id or cell_id in seen or len(cell_id) > 64:
            cell_id = f"handin-{index:03d}"
        cell.id = cell_id
        seen.add(cell_id)
    return nb, None


def match_cells(hand_in: NotebookNode, released: NotebookNode) -> dict[int, int]:
    """Map the index of each released graded cell to the index of its hand-in cell.

    First by intact metadata or cell id, then by content (an answer's defined names, a test's source), then by
    position (the cell after the one matched to, or equal to, the released cell before it).

    Args:
        hand_in: the hand-in, as :func:`read_hand_in` returns it.
        released: the released notebook.

    Returns:
        ``{released cell index: hand-in cell index}`` for the graded cells found; each hand-in cell at most once.
    """
    cells = hand_in.cells
    used: set[int] = set()
    matches: dict[int, int] = {}

    def take(r_index: int, s_index: int | None) -> None:
        if s_index is not None and s_index not in used:
            matches[r_index] = s_index
            used.add(s_index)

    graded = [(i, c) for i, c in enumerate(released.cells) if is_nbgrader_cell(c)]
    by_grade_id = {}
    for s_index, cell in enumerate(cells):
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id and grade_id not in by_grade_id:
            by_grade_id[grade_id] = s_index
    by_id = {cell.get("id"): s_index for s_index, cell in enumerate(cells)}

    # 1. intact metadata, or the same cell id, and the same kind of cell
    for r_index, r_cell in graded:
        for candidate in (by_grade_id.get(nbgrader_meta(r_cell)["grade_id"]), by_id.get(r_cell.get("id"))):
            if candidate is not None and candidate not in used and cells[candidate].cell_type == r_cell.cell_type:
                take(r_index, candidate)
                break
    # 2. by content: answer cells by the names they define, test cells by their source
    for r_index, r_cell in graded:
        if r_index in matches:
            continue
        if is_answer(r_cell):
            names = defined_names(r_cell.source)
            hits = [s for s, c in enumerate(cells) if s not in used and c.cell_type == "code"
                    and names and names <= defined_names(c.source)]
            take(r_index, hits[-1] if hits else None)
        elif r_cell.cell_type == "code":
            hits = [s for s, c in enumerate(cells) if s not in used and c.cell_type == "code"
                    and normalized_source(c.source) == normalized_source(r_cell.source)]
            take(r_index, hits[0] if hits else None)
    # 3. by position: written answers and answer cells whose stub defines nothing follow the cell before them;
    #    edited tests resemble the released ones.
    #    The anchor is the hand-in cell matched to the released cell just before, or one equal to it.
    for r_index, r_cell in graded:
        if r_index in matches or r_index == 0:
            continue
        previous = normalized_source(released.cells[r_index - 1].source)
        anchors = [matches[r_index - 1]] if r_index - 1 in matches else []
        anchors += [s for s, c in enumerate(cells) if normalized_source(c.source) == previous]
        for anchor in anchors:
            follower = anchor + 1
            if follower < len(cells) and follower not in used and cells[follower].cell_type == r_cell.cell_type:
                stub = is_answer(r_cell) and not defined_names(r_cell.source)  # e.g. "paste your coder here"
                if r_cell.cell_type == "markdown" or stub or _similar(cells[follower].source, r_cell.source):
                    take(r_index, follower)
                    break
    return matches


def _similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, normalized_source(a), normalized_source(b)).ratio() >= 0.5


def repair(text: str, released: NotebookNode, others: dict[str, NotebookNode] | None = None) -> Repaired:
    """Make a hand-in gradable against ``released``; ``others`` are the other assignments' releases.

    Args:
        text: the hand-in file's text.
        released: the assignment's released notebook.
        others: the other assignments' released notebooks by name, to tell a wrong notebook.

    Returns:
        The outcome: the notebook with the released ``nbgrader`` metadata (and ``deletable``, ``editable``) on its
        matched cells, none on the others, and the release's kernelspec; or None with the problem.
    """
    nb, problem = read_hand_in(text)
    if nb is None:
        return Repaired(None, problem=problem)
    outcome = Repaired(nb)
    matches = match_cells(nb, released)
    graded = [(i, c) for i, c in enumerate(released.cells) if is_nbgrader_cell(c)]
    answer_cells = [i for i, c in graded if is_answer(c)]
    own = sum(i in matches for i in answer_cells)
    if answer_cells and own < len(answer_cells):
        # Another assignment's notebook may define a name of this one's answers (06 defines 05's causal_mask
        # in a given cell): it is the wrong notebook when it holds more of another assignment's answer cells.
        for name, other in (others or {}).items():
            theirs = sum(is_answer(other.cells[i]) for i in match_cells(nb, other))
            if theirs > own:
                outcome.notebook, outcome.problem = None, f"wrong notebook: this is the notebook of {name}"
                return outcome
        if not own:
            outcome.notebook, outcome.problem = None, "none of this assignment's answer cells found"
            return outcome

    no_metadata = not any(nbgrader_meta(c) for c in nb.cells)
    if no_metadata:
        outcome.repairs.append("no nbgrader metadata (saved by Colab or another editor): restored from the release")
    if nb.get("metadata", {}).get("colab") is not None or any("colab" in c.metadata for c in nb.cells):
        outcome.repairs.append("saved in Google Colab")

    matched_hand_in = set(matches.values())
    for s_index, cell in enumerate(nb.cells):  # stale or copied nbgrader metadata on other cells
        if s_index not in matched_hand_in and is_nbgrader_cell(cell):
            claimed = nbgrader_meta(cell).get("grade_id")
            outcome.flags.append(f"cell {cell.get('id')} claimed grade_id {claimed!r}: ignored")
            cell.metadata.pop("nbgrader", None)
        elif s_index not in matched_hand_in:
            cell.metadata.pop("nbgrader", None)

    changed, cleared, edited = [], [], []
    for r_index, r_cell in graded:
        grade_id = nbgrader_meta(r_cell)["grade_id"]
        if r_index not in matches:
            kind = "test" if is_test(r_cell) else "answer"
            what = "counted as failed" if kind == "test" else "no answer"
            outcome.flags.append(f"{kind} cell {grade_id} is missing from the hand-in ({what})")
            continue
        s_cell = nb.cells[matches[r_index]]
        had = nbgrader_meta(s_cell)
        if not had and not no_metadata:
            cleared.append(grade_id)
        elif had and _strip_checksum(had) != _strip_checksum(nbgrader_meta(r_cell)):
            changed.append(grade_id)
        if is_locked(r_cell) and normalized_source(s_cell.source) != normalized_source(r_cell.source):
            edited.append(grade_id)
        s_cell.metadata["nbgrader"] = copy.deepcopy(dict(r_cell.metadata["nbgrader"]))
        for key in ("deletable", "editable"):
            if key in r_cell.metadata:
                s_cell.metadata[key] = r_cell.metadata[key]
    if cleared:
        outcome.flags.append("nbgrader metadata cleared on " + ", ".join(cleared) + ": restored")
    if changed:
        outcome.flags.append("nbgrader metadata changed on " + ", ".join(changed) + ": restored")
    if edited:
        outcome.flags.append("test cells edited: " + ", ".join(edited) + " (the released tests were run)")
    nb.metadata["kernelspec"] = copy.deepcopy(released.metadata.get("kernelspec", {}))
    nbformat.validate(nb)
    return outcome


def _strip_checksum(meta: dict) -> dict:
    return {k: v for k, v in meta.items() if k not in ("checksum", "schema_version", "cell_type")}
