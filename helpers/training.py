"""Seeding, device choice, grading-aware budgets and a small training loop.

Under nbgrader (``NBGRADER_EXECUTION`` is set while it validates or autogrades) long demonstrations
shrink to a few steps: use :func:`budget` for every step count, sample count or epoch count that
only serves a demonstration. No graded test may depend on a long run.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterable, Iterator

import numpy as np
import torch
from tqdm.auto import tqdm


def is_grading() -> bool:
    """True while nbgrader executes the notebook (validate or autograde) or ``COURSE_QUICK=1``.

    Returns:
        True when ``NBGRADER_EXECUTION`` is set (to anything non-empty) or ``COURSE_QUICK`` is ``"1"``.
    """
    return bool(os.environ.get("NBGRADER_EXECUTION")) or os.environ.get("COURSE_QUICK") == "1"


def budget(full: int, quick: int) -> int:
    """``full`` normally, ``quick`` under grading (see :func:`is_grading`).

    Args:
        full: the count for a normal run (steps, samples, epochs).
        quick: the count under grading; at most ``full``.

    Returns:
        ``quick`` while :func:`is_grading`, else ``full``.

    Raises:
        ValueError: when ``quick`` exceeds ``full``.
    """
    if quick > full:
        raise ValueError(f"quick ({quick}) should not exceed full ({full})")
    return quick if is_grading() else full


def seed_everything(seed: int = 0) -> np.random.Generator:
    """Seed Python's, NumPy's and torch's global generators; return a fresh ``numpy`` Generator.

    Args:
        seed: the seed of all three global generators and of the returned one.

    Returns:
        ``np.random.default_rng(seed)``.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return np.random.default_rng(seed)


def device() -> torch.device:
    """The device to train on: CUDA when there is one, otherwise the CPU (``COURSE_DEVICE`` overrides).

    Returns:
        ``torch.device(COURSE_DEVICE)`` when that variable is set, else ``cuda`` if available, else ``cpu``.
    """
    wanted = os.environ.get("COURSE_DEVICE")
    if wanted:
        return torch.device(wanted)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def progress(iterable: Iterable, total: int | None = None, desc: str = "") -> Iterator:
    """A tqdm progress bar, silent under grading (a progress bar writes to stderr).

    Args:
        iterable: what to iterate over.
        total: the number of items, for the bar when ``iterable`` has no ``len``.
        desc: the bar's label.

    Returns:
        An iterator over the items of ``iterable`` that updates the bar (disabled while :func:`is_grading`).
    """
    return iter(tqdm(iterable, total=total, desc=desc, disable=is_grading(), leave=False))


def train(
    model: torch.nn.Module,
    loss_fn: Callable[[torch.nn.Module, torch.Tensor], torch.Tensor],
    batches: Callable[[int], torch.Tensor],
    n_steps: int,
    lr: float = 1e-3,
    desc: str = "training",
    unit: str = "nats",
) -> list[float]:
    """Train ``model`` with Adam for ``n_steps`` steps and return the loss after each step.

    ``batches(step)`` returns the batch for a step (a tensor on the model's device);
    ``loss_fn(model, batch)`` returns a scalar loss tensor. The progress bar shows the loss in ``unit``.

    Args:
        model: the module to train, in place; it is in train mode while training and left in eval mode.
        loss_fn: ``loss_fn(model, batch)`` -> a scalar loss tensor (e.g. a NLL in nats per image).
        batches: ``batches(step)`` -> the batch of step ``step`` (0 .. n_steps - 1), on the model's device.
        n_steps: the number of optimiser steps.
        lr: Adam's learning rate.
        desc: the progress bar's label.
        unit: the loss's unit as the progress bar shows it (e.g. ``"nats"``, ``"bits/dim"``).

    Returns:
        The loss of each step (computed before that step's update), a list of ``n_steps`` floats in ``unit``.
    """
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    losses: list[float] = []
    model.train()
    bar = tqdm(range(n_steps), desc=desc, disable=is_grading(), leave=False)
    for step in bar:
        loss = loss_fn(model, batches(step))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach()))
        if step % 10 == 0:
            bar.set_postfix_str(f"loss {losses[-1]:.3f} {unit}")
    model.eval()
    return losses


def record_metric(name: str, value: float, unit: str) -> None:
    """Print a result with its unit and, if ``COURSE_METRICS`` names a file, append it there as JSON.

    The benchmark (``make bench``) sets ``COURSE_METRICS`` to collect, e.g.,
    ``record_metric("nll.pixelcnn.shapes", 20.1, "nats")`` from the notebooks it runs.

    Args:
        name: the metric's name, dotted (e.g. ``"nll.pixelcnn.shapes"``).
        value: its value, printed with 4 decimals.
        unit: its unit (e.g. ``"nats"``, ``"bits/dim"``, ``"s"``).
    """
    print(f"{name} = {value:.4f} {unit}")
    path = os.environ.get("COURSE_METRICS")
    if path:
        import json

        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"name": name, "value": float(value), "unit": unit}) + "\n")
