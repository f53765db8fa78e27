"""Every solution notebook executes top to bottom on the CPU, and its test cells stay quiet.

The time each notebook took is printed and appended to ``build/exec_times.tsv``. Budgets (2 minutes
a notebook) are measured by the benchmark, not asserted here; this test only guards against runaway
cells with a generous timeout.
"""

from __future__ import annotations

import time

import pytest
from nbclient import NotebookClient

from harness import ROOT, SOLUTIONS, assignments, nbgrader_meta, source_notebook

REPORT = ROOT / "build" / "exec_times.tsv"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", assignments())
def test_solution_notebook_executes(assignment, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("COURSE_QUICK", raising=False)
    nb = source_notebook(assignment)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(SOLUTIONS / assignment)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    print(f"{assignment}: executed in {seconds:.1f} s")
    REPORT.parent.mkdir(exist_ok=True)
    with REPORT.open("a") as handle:
        handle.write(f"{assignment}\t{seconds:.1f}\n")

    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("grade"):
            stderr = [o for o in cell.outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"]
            assert not stderr, f"test cell {meta['grade_id']} writes to stderr: {stderr[0].get('text', '')[:300]}"
