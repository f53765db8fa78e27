"""The course's plot style and a few figure helpers.

Every plot has a title, axis labels and units. :func:`use_style` sets seaborn's style once, in the
setup cell of each notebook.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
import torch


def use_style() -> None:
    """Apply the course's plot style (seaborn ``whitegrid``, ``notebook`` context, colour-blind palette)."""
    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind")
    plt.rcParams.update({"figure.figsize": (6.4, 4.0), "figure.dpi": 100, "axes.titleweight": "bold"})


def new_axes(title: str, xlabel: str, ylabel: str, *, figsize: tuple[float, float] | None = None) -> plt.Axes:
    """A new figure with one axes, titled and labelled (put units in the labels)."""
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
    """
    if isinstance(images, torch.Tensor):
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
