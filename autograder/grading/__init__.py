"""``make collect`` and ``make grade``: hand-ins in, points out.

Everything here runs outside the student's kernel (on the instructor's machine or a Dask worker): repairing and
screening hand-ins, the grading jobs and their executor, nbgrader's preprocessors and the judge that runs the test
cells and decides the points.
"""
