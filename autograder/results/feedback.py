"""``make feedback``: the students' feedback HTML, regenerated from the course's gradebook.

``make grade`` writes each hand-in's feedback when it grades it, before anyone has graded the written answers. Once
they are graded in the formgrader (their points and comments are in ``grading/gradebook.db``), ``make feedback``
(``python -m autograder.results.feedback [--assignment A]``) writes every feedback file again from the autograded
notebooks and the gradebook, with nbgrader's ``generate_feedback`` and the course's configuration: the written
answers' points and comments are in it, a written answer nobody has graded yet says "not graded yet" (not "0 / 2"),
the hidden tests' code and the outputs after them stay out
(:class:`autograder.grading.preprocessors.HideHiddenTests`) and the HTML stays sanitised
(``HTMLExporter.sanitize_html``). ``make grade`` does the same at its end when written answers of the
assignments it graded have manual grades, and ``make export`` before it packs the feedback.

The feedback is one self-contained HTML file that reads offline: :class:`FeedbackExporter` renders it with the
course's template (``autograder/templates/course_feedback``, nbgrader's feedback template with these changes) and
inlines KaTeX (``autograder/static/katex``: the ``katex`` npm package's ``dist`` files, see its README) with its
fonts as data URLs, so formulas are typeset without any network (nbgrader's template loads MathJax from a CDN);
long lines wrap. KaTeX typesets the text of the page (never the ``<pre>`` of code and outputs) with its default
``trust: false``: no ``\\href``, ``\\url``, ``\\includegraphics`` or ``\\html…`` from a hand-in's Markdown.
"""

from __future__ import annotations

import argparse
import base64
import functools
import re
import sys
import warnings
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter

from autograder.core import AUTOGRADED, FEEDBACK, PACKAGE, assignments, nbgrader_api

KATEX = PACKAGE / "static" / "katex"
TEMPLATES = PACKAGE / "templates"
TEMPLATE_NAME = "course_feedback"
KATEX_OPTIONS = (
    '{delimiters: [{left: "$$", right: "$$", display: true}, {left: "\\\\[", right: "\\\\]", display: true},'
    ' {left: "$", right: "$", display: false}, {left: "\\\\(", right: "\\\\)", display: false}],'
    ' throwOnError: false, trust: false, strict: "ignore"}'
)


@functools.cache
def katex_head() -> str:
    """KaTeX's stylesheet (its woff2 fonts as data URLs), its script and auto-render, to inline in ``<head>``.

    Returns:
        HTML: a ``<style>`` and three ``<script>`` elements (KaTeX, auto-render, and the call that typesets the page
        with :data:`KATEX_OPTIONS`); read once per process.

    Raises:
        RuntimeError: the stylesheet refers to a font file that is not inlined, or a script holds ``</script``.
    """
    css = (KATEX / "katex.min.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        font = KATEX / "fonts" / f"{match['name']}.woff2"
        data = base64.b64encode(font.read_bytes()).decode("ascii")
        return f'src:url(data:font/woff2;base64,{data}) format("woff2")'

    # each @font-face lists woff2, woff and ttf files; only the woff2 ships here (every current browser reads it)
    css = re.sub(r'src:url\(fonts/(?P<name>[^)]+)\.woff2\) format\("woff2"\)(?:,url\([^)]*\) format\("[a-z]+"\))*',
                 inline, css)
    if "url(fonts/" in css:
        raise RuntimeError("KaTeX's stylesheet refers to a font file that is not inlined")
    script = (KATEX / "katex.min.js").read_text(encoding="utf-8")
    render = (KATEX / "contrib" / "auto-render.min.js").read_text(encoding="utf-8")
    for code in (script, render):
        if "</script" in code.lower():
            raise RuntimeError("KaTeX's script cannot be inlined: it holds </script")
    start = (f'document.addEventListener("DOMContentLoaded", function () {{'
             f' renderMathInElement(document.body, {KATEX_OPTIONS}); }});')
    return (f'<style type="text/css">\n{css}\n</style>\n<script>\n{script}\n</script>\n'
            f'<script>\n{render}\n</script>\n<script>\n{start}\n</script>\n')


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTML exporter with the course's feedback template and KaTeX inlined (see the module)."""

    def from_notebook_node(self, nb: Any, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:
        """Render a notebook as feedback HTML, with KaTeX inlined (``resources["course_katex"]``, for the template).

        Args:
            nb: the autograded notebook, after nbgrader's feedback preprocessors.
            resources: nbconvert's resources (copied, not changed).
            **kw: nbconvert's.

        Returns:
            ``(html, resources)``, as nbconvert's ``HTMLExporter``.
        """
        resources = dict(resources or {})
        resources["course_katex"] = katex_head()
        return super().from_notebook_node(nb, resources, **kw)


def regenerate(only: list[str] | None = None, *, quiet: bool = False) -> int:
    """Write the feedback of every autograded hand-in (of ``only``'s assignments) again from the gradebook; return how
    many files were written. Runs nbgrader's ``generate_feedback`` in this process with the course's configuration.

    Args:
        only: the assignments (default all); names that are not assignments are left out.
        quiet: do not print the hand-ins nbgrader wrote no feedback for.

    Returns:
        How many autograded hand-ins have a feedback file afterwards.

    Raises:
        SystemExit: nbgrader's ``generate_feedback`` failed for an assignment (its log and error in the message).
    """
    wanted = [a for a in (only or assignments()) if a in assignments()]
    written = 0
    api = nbgrader_api()
    for assignment in wanted:
        students = sorted(p.parent.parent.name for p in AUTOGRADED.glob(f"*/{assignment}/{assignment}.ipynb"))
        if not students:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcome = api.generate_feedback(assignment, force=True)
        if not outcome.get("success"):
            raise SystemExit(f"nbgrader generate_feedback {assignment} failed:\n{outcome.get('log', '')}\n"
                             f"{outcome.get('error', '')}")
        for student in students:
            if (FEEDBACK / student / assignment / f"{assignment}.html").is_file():
                written += 1
            elif not quiet:
                print(f"NO FEEDBACK   {student} {assignment}: nbgrader wrote none (its log: {outcome.get('log', '')})")
    return written


def main(argv: list[str] | None = None) -> int:
    """``make feedback``: write every feedback file again from the gradebook, and say how many.

    Args:
        argv: ``[--assignment A]`` (default: the process's arguments).

    Returns:
        0, once every feedback file is written (their number is printed).

    Raises:
        SystemExit: the command line is wrong, or nbgrader failed (see :func:`regenerate`).
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", help="only this assignment's feedback")
    args = parser.parse_args(argv)
    written = regenerate([args.assignment] if args.assignment else None)
    shown = FEEDBACK.relative_to(Path.cwd()) if FEEDBACK.is_relative_to(Path.cwd()) else FEEDBACK
    print(f"{written} feedback file(s) written from the gradebook into {shown}/ (written answers' grades and"
          " comments in them; those not graded yet say so).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
