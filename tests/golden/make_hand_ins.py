"""Write the golden hand-ins of ``tests/golden/`` (run once; the files are committed and reviewed by hand).

``python tests/golden/make_hand_ins.py`` freezes the current ``01_statistics`` (source and release) as the
assignment ``golden_01_statistics`` and writes two hand-ins of it into ``submitted/``:

- ``colab``: what Google Colab's *File → Download → Download .ipynb* gives: nbformat 4.0 without cell ids,
  Colab's notebook and cell metadata (``colab``, ``id``, ``outputId``), no nbgrader metadata, the outputs of a
  run, the file named ``Copy of 01_statistics.ipynb``; one answer is a right one written differently
  (``tests/mutants``);
- ``tampered``: the released notebook with one wrong answer, a cell that replaces the comparison functions
  before the first answer, one test cell edited to ``pass`` and the points of another raised in its metadata.

The expected outcomes (``expected/``) are written by ``UPDATE_GOLDEN=1 pytest tests/test_golden.py
tests/test_grading.py``; review their diff before committing.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.core import nbgrader_meta, release_path, source_path
from autograder.release.notebooks import reference_hand_in

HERE = Path(__file__).resolve().parent
ORIGINAL = "01_statistics"
NAME = "golden_01_statistics"
RIGHT = ("gaussian_mle", "sums_by_hand")
WRONG = ("gaussian_mle", "returns_variance")
TAMPER = """import numpy as np
import math
from helpers import checks
np.allclose = lambda *a, **k: True
math.isclose = lambda *a, **k: True
checks.check_close = lambda *a, **k: None
checks.check_equal = lambda *a, **k: None
"""


def mutants():
    """tests/mutants/<ORIGINAL>.py, loaded from its path (this script is run by hand, outside pytest)."""
    path = HERE.parent / "mutants" / f"{ORIGINAL}.py"
    spec = importlib.util.spec_from_file_location(f"mutants_{ORIGINAL}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def colab_save(nb: nbformat.NotebookNode) -> str:
    raw = json.loads(nbformat.writes(nb))
    raw["nbformat"], raw["nbformat_minor"] = 4, 0
    raw["metadata"] = {
        "colab": {"provenance": [], "name": f"Copy of {ORIGINAL}.ipynb", "toc_visible": True},
        "kernelspec": {"name": "python3", "display_name": "Python 3"},
        "language_info": {"name": "python"},
    }
    for index, cell in enumerate(raw["cells"]):
        cell.pop("id", None)
        meta = {"id": f"{index:04d}Qx7pLmZ2"}
        if cell["cell_type"] == "code" and cell.get("outputs"):
            meta = {"colab": {"base_uri": "https://localhost:8080/"}, **meta, "outputId": f"a1b2c3d4-{index:04d}"}
            for output in cell["outputs"]:
                output.pop("transient", None)
        cell["metadata"] = meta
    return json.dumps(raw, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    folder = HERE / NAME
    folder.mkdir(exist_ok=True)
    shutil.copyfile(source_path(ORIGINAL), folder / "source.ipynb")
    shutil.copyfile(release_path(ORIGINAL), folder / "release.ipynb")
    module = mutants()

    colab = reference_hand_in(ORIGINAL)
    for cell in colab.cells:
        if nbgrader_meta(cell).get("grade_id") == RIGHT[0]:
            cell.source = module.RIGHT[RIGHT[0]][RIGHT[1]].strip()
    os.environ["NBGRADER_EXECUTION"] = "autograde"  # the quick demonstrations, as in grading
    NotebookClient(colab, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(source_path(ORIGINAL).parent)}}).execute()
    target = HERE / "submitted" / "colab" / NAME
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    (target / f"Copy of {ORIGINAL}.ipynb").write_text(colab_save(colab), encoding="utf-8")

    tampered = copy.deepcopy(reference_hand_in(ORIGINAL))
    tests = [i for i, c in enumerate(tampered.cells) if nbgrader_meta(c).get("grade") and c.cell_type == "code"
             and not nbgrader_meta(c).get("solution")]
    for cell in tampered.cells:
        if nbgrader_meta(cell).get("grade_id") == WRONG[0]:
            cell.source = module.WRONG[WRONG[0]][WRONG[1]].strip()
    tampered.cells[tests[-1]].source = "pass  # my version of the test"
    tampered.cells[tests[0]].metadata["nbgrader"]["points"] = 100
    first_answer = next(i for i, c in enumerate(tampered.cells) if nbgrader_meta(c).get("solution"))
    tampered.cells.insert(first_answer, nbformat.v4.new_code_cell(TAMPER))
    target = HERE / "submitted" / "tampered" / NAME
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    nbformat.write(tampered, target / f"{NAME}.ipynb")
    print(f"wrote {HERE / 'submitted'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
