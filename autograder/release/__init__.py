"""``make release`` and ``make student-dist``: what students receive, generated from ``solutions/``.

Runs on the instructor's machine; writes only generated files (``notebooks/``, ``helpers/course.py``, README's
notebooks table, ``build/student-dist``), never ``solutions/``.
"""
