"""The course's plot style and a few figure helpers.

Every plot has a title, axis labels and units. :func:`use_style` sets seaborn's style once, in the
setup cell of each notebook, without importing seaborn (which, with pandas and scipy.stats, would add about a
second to every kernel start): :data:`THEME` holds the values seaborn's ``set_theme`` gives matplotlib, and
``tests/test_helpers.py`` checks them against seaborn itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cycler

COLORBLIND = ["#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc",
              "#ca9161", "#fbafe4", "#949494", "#ece133", "#56b4e9"]
"""seaborn's ``colorblind`` palette: the colour cycle of every plot."""

COLOR_CODES: dict[str, str | tuple[float, float, float]] = dict(zip(
    "bgrmyck", [*(COLORBLIND[i] for i in (0, 2, 3, 4, 8, 9)), (0.1, 0.1, 0.1)], strict=True))
"""What the one-letter colours (``"b"``, ``"r"``, ...) mean after seaborn's ``set_theme(palette="colorblind")``: its
six-colour ``colorblind6`` (six of the ten above) and a near-black."""

THEME: dict[str, Any] = {
    # seaborn's axes_style("whitegrid") (but image.cmap: seaborn's 'rocket' needs seaborn's colormaps; every
    # image in the course names its colormap, so images without one keep matplotlib's viridis)
    "figure.facecolor": "white", "axes.facecolor": "white", "axes.edgecolor": ".8", "axes.grid": True,
    "axes.axisbelow": True, "axes.labelcolor": ".15", "text.color": ".15", "grid.color": ".8", "grid.linestyle": "-",
    "xtick.color": ".15", "ytick.color": ".15", "xtick.direction": "out", "ytick.direction": "out",
    "xtick.top": False, "ytick.right": False, "xtick.bottom": False, "ytick.left": False,
    "axes.spines.left": True, "axes.spines.bottom": True, "axes.spines.right": True, "axes.spines.top": True,
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    # seaborn's plotting_context("notebook")
    "font.size": 12.0, "axes.labelsize": 12.0, "axes.titlesize": 12.0, "xtick.labelsize": 11.0,
    "ytick.labelsize": 11.0, "legend.fontsize": 11.0, "legend.title_fontsize": 12.0,
    "axes.linewidth": 1.25, "grid.linewidth": 1.0, "lines.linewidth": 1.5, "lines.markersize": 6.0,
    "patch.linewidth": 1.0, "xtick.major.width": 1.25, "ytick.major.width": 1.25, "xtick.minor.width": 1.0,
    "ytick.minor.width": 1.0, "xtick.major.size": 6.0, "ytick.major.size": 6.0, "xtick.minor.size": 4.0,
    "ytick.minor.size": 4.0,
    # the palette
    "axes.prop_cycle": cycler("color", [mcolors.to_rgb(c) for c in COLORBLIND]),
}
"""The rcParams of seaborn's ``set_theme(style="whitegrid", context="notebook", palette="colorblind")``."""

COURSE_RC = {"figure.figsize": (6.4, 4.0), "figure.dpi": 100, "axes.titleweight": "bold"}
"""The course's own settings on top of seaborn's theme."""


def use_style() -> None:
    """Apply the course's plot style: seaborn's ``whitegrid`` style, ``notebook`` context and colour-blind palette
    (:data:`THEME`, the one-letter colours :data:`COLOR_CODES`), then :data:`COURSE_RC`."""
    plt.rcParams.update(THEME)
    named = mcolors.get_named_colors_mapping()
    for code, colour in COLOR_CODES.items():
        named[code] = mcolors.to_rgb(colour)
    plt.rcParams.update(COURSE_RC)


def new_axes(title: str, xlabel: str, ylabel: str, *, figsize: tuple[float, float] | None = None) -> plt.Axes:
    """A new figure with one axes, titled and labelled (put units in the labels).

    Args:
        title: the axes' title.
        xlabel: the x-axis label, with its unit (e.g. ``"training step"``, ``"NLL (bits/dim)"``).
        ylabel: the y-axis label, with its unit.
        figsize: (width, height) in inches; by default the style's ``figure.figsize``.

    Returns:
        The new axes.
    """
    _, ax = plt.subplots(figsize=figsize)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return ax


def show_images(
    images: Any,
    *,
    title: str = "",
    n_cols: int = 8,
    labels: Sequence[Any] | None = None,
    cmap: str = "gray_r",
    scale: float = 1.0,
) -> plt.Figure:
    """Show a grid of images.

    ``images``: array or tensor of shape [N, H, W] or [N, 1, H, W] (values in [0, 1]);
    ``labels``: optional captions, one per image.

    Args:
        images: array or tensor [N, H, W] or [N, 1, H, W] with values in [0, 1] (shown with ``vmin=0, vmax=1``).
        title: the figure's title (none if empty).
        n_cols: the number of columns of the grid (capped at N).
        labels: optional captions, one per image.
        cmap: the colormap (by default ``gray_r``: 0 white, 1 black).
        scale: the size of each image's cell: ``scale * 1.1`` inches wide, ``scale * 1.2`` inches high.

    Returns:
        The figure.
    """
    if hasattr(images, "detach"):  # a torch tensor (not imported here: the class report uses this module, not torch)
        images = images.detach().cpu().numpy()
    images = np.asarray(images)
    if images.ndim == 4:
        images = images[:, 0]
    n = len(images)
    n_cols = max(1, min(n_cols, n))
    n_rows = int(np.ceil(n / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(scale * 1.1 * n_cols, scale * 1.2 * n_rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
