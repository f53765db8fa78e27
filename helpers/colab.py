"""Google Colab: whether a notebook runs there, where the course comes from, and links that open it there.

On Colab the first code cell of every notebook (written by ``make release`` from the template in
``autograder/release/colab_cell.py``) fetches the course's repository at its release, installs this package with
``pip install --no-deps`` (Colab's own torch and numpy stay) and sets ``COURSE_DATA_DIR``; it cannot import
this module, which it is about to install. This module answers the same questions afterwards.

The address and the release have one home, ``[tool.course]`` in ``pyproject.toml``; ``make release`` copies
them into ``helpers/course.py``, and the tests check that the copies agree. The environment variables
``COURSE_REPO``, ``COURSE_REF`` and ``COURSE_DIR`` override them, as they do in the first cell.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from helpers import course as _course

DEFAULT_COURSE_DIR = "/content/genmodels-course"
"""Where the first cell puts the course on Colab (``COURSE_DIR`` overrides it)."""

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
"""Colab's "Open in Colab" badge."""

_GITHUB = re.compile(r"^(?:https://github\.com/|git@github\.com:)([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class CourseSource:
    """A course repository (``repository``: a git address) at a release (``ref``: a tag, branch or commit).

    Args:
        repository: the repository's git address, e.g. ``https://github.com/OWNER/NAME`` (or ``git@github.com:...``).
        ref: the release: a tag, a branch or a commit.
    """

    repository: str
    ref: str

    @property
    def github(self) -> str:
        """``owner/name`` of a GitHub repository; ``ValueError`` for an address elsewhere (Colab opens GitHub only).

        Returns:
            ``"OWNER/NAME"`` of ``repository`` (without a trailing ``.git`` or ``/``).

        Raises:
            ValueError: when ``repository`` is not a GitHub address (``https://github.com/...`` or
                ``git@github.com:...``).
        """
        match = _GITHUB.match(self.repository)
        if not match:
            raise ValueError(
                f"{self.repository!r} is not a GitHub address (https://github.com/OWNER/NAME): Colab can open "
                "notebooks only from GitHub"
            )
        return f"{match.group(1)}/{match.group(2)}"


def in_colab() -> bool:
    """True inside Google Colab (its kernel imports ``google.colab`` before any cell runs).

    Returns:
        Whether ``google.colab`` is in ``sys.modules``.
    """
    return "google.colab" in sys.modules


def configured_source() -> CourseSource:
    """The repository and release configured in ``[tool.course]`` (as ``make release`` last copied them).

    Returns:
        :class:`CourseSource` of ``helpers/course.py``'s ``REPOSITORY`` and ``REF``.
    """
    return CourseSource(_course.REPOSITORY, _course.REF)


def course_source() -> CourseSource:
    """The repository and release that the first cell fetches: :func:`configured_source`, unless
    ``COURSE_REPO`` or ``COURSE_REF`` say otherwise (a mirror, a fork, a newer release).

    Returns:
        :class:`CourseSource`: ``COURSE_REPO`` (else the configured repository) at ``COURSE_REF`` (else the
        configured release).
    """
    configured = configured_source()
    return CourseSource(
        os.environ.get("COURSE_REPO") or configured.repository,
        os.environ.get("COURSE_REF") or configured.ref,
    )


def course_dir() -> Path:
    """The folder the first cell fetches the course into on Colab (``COURSE_DIR``, else :data:`DEFAULT_COURSE_DIR`).

    Returns:
        The folder's path (it need not exist).
    """
    return Path(os.environ.get("COURSE_DIR") or DEFAULT_COURSE_DIR)


def colab_url(notebook: str, source: CourseSource | None = None) -> str:
    """The address that opens ``notebook`` in Colab, at the release of ``source`` (default :func:`configured_source`).

    ``notebook`` is a path in the repository, e.g. ``notebooks/01_statistics/01_statistics.ipynb``.

    Args:
        notebook: the notebook's path in the repository (a leading ``/`` is dropped).
        source: the repository and release; by default :func:`configured_source`.

    Returns:
        ``https://colab.research.google.com/github/OWNER/NAME/blob/REF/<notebook>``.

    Raises:
        ValueError: when the source's repository is not on GitHub (see :attr:`CourseSource.github`).
    """
    source = source or configured_source()
    return f"https://colab.research.google.com/github/{source.github}/blob/{source.ref}/{notebook.lstrip('/')}"


def badge_markdown(notebook: str, source: CourseSource | None = None) -> str:
    """Markdown for an "Open in Colab" badge that links to :func:`colab_url`.

    Args:
        notebook: the notebook's path in the repository, as for :func:`colab_url`.
        source: the repository and release; by default :func:`configured_source`.

    Returns:
        ``[![Open In Colab](<badge image>)](<colab_url>)``.

    Raises:
        ValueError: when the source's repository is not on GitHub (see :attr:`CourseSource.github`).
    """
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(notebook, source)})"
