"""Course-written code that the test cells run next to a student's code: probes, and callables to pass in.

In a student's notebook a test cell runs in the student's own kernel and everything here is ordinary code. When an
instructor grades, a test cell runs in a judge process where the student's names are handles into the hand-in's
kernel and every result comes back as plain data (:mod:`autograder.judge`). Two things then need code that runs *in
the kernel*, written by the course:

- :func:`run` ``(probe, *args)``: a probe computes, from a student's object, what a test compares: gradients
  through a student's function, parameter counts, an optimiser step on a student's model. In the student's kernel
  :func:`run` calls the probe; under the judge the probe runs in the hand-in's kernel and its result comes back as
  plain data. A probe must be a function of this module.
- the callables and models a test hands to a student's function (``mc_expectation(f, sampler, ...)``,
  ``reverse_kl(..., log_p)``) are instances of this module's classes, so that the kernel can rebuild them.

Nothing here is an answer to an exercise or an expected value of a test.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch

_judge: Any = None


@contextlib.contextmanager
def judging(judge: Any) -> Iterator[None]:
    """While the judge runs a test cell, :func:`run` sends probes to the hand-in's kernel (used by the autograder)."""
    global _judge
    previous, _judge = _judge, judge
    try:
        yield
    finally:
        _judge = previous


def run(probe: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``probe(*args, **kwargs)``, run where the student's code runs.

    Args:
        probe: a function of this module (e.g. :func:`value_and_grads`).
        *args, **kwargs: its arguments; the student's functions and objects among them.

    Returns:
        What the probe returns; under the judge, as plain data.
    """
    name = getattr(probe, "__name__", "")
    if globals().get(name) is not probe:
        raise ValueError(f"{probe!r} is not a probe of helpers.probes")
    if _judge is None:
        return probe(*args, **kwargs)
    return _judge.call(None, args, kwargs, probe=name)


# --- probes -----------------------------------------------------------------------------------------------


def seeded(seed: int, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` after seeding Python's, NumPy's and torch's global generators with ``seed``."""
    import random

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return function(*args, **kwargs)


def value_and_grads(function: Callable[..., Any], args: list, wrt: list[int], **kwargs: Any) -> tuple:
    """``function(*args, **kwargs)`` and the gradients of the sum of its output with respect to ``args[i]``, i in
    ``wrt`` (each a float tensor, made a leaf that requires grad).

    Returns:
        (the output, detached; ``requires_grad`` of the output, a bool; the list of gradients, ``None`` where none
        reached that argument).
    """
    args = list(args)
    for i in wrt:
        args[i] = torch.as_tensor(args[i]).detach().clone().requires_grad_(True)
    out = function(*args, **kwargs)
    differentiable = isinstance(out, torch.Tensor) and out.requires_grad
    if differentiable:
        out.sum().backward()
    grads = [args[i].grad.detach().clone() if args[i].grad is not None else None for i in wrt]
    value = out.detach() if isinstance(out, torch.Tensor) else out
    return value, differentiable, grads


def n_parameters(module: torch.nn.Module, trainable: bool = True) -> int:
    """The number of (trainable) parameter entries of ``module``."""
    return int(sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable))


def module_types(module: torch.nn.Module) -> list[str]:
    """``module.__qualname__`` of the class of ``module`` and of every submodule, in ``modules()`` order."""
    return [type(m).__qualname__ for m in module.modules()]


def is_instance(value: Any, cls: type) -> bool:
    """``isinstance(value, cls)``, in the kernel (``cls`` a student's class or a library's)."""
    return isinstance(value, cls)


def sampler_calls(function: Callable[..., Any], f: Callable, n_samples: int, rng: np.random.Generator) -> list:
    """How ``function(f, sampler, n_samples, rng)`` calls its sampler: one ``[n, rng is the given rng]`` a call."""
    seen: list = []

    def sampler(n: int, given: Any) -> np.ndarray:
        seen.append([int(n), given is rng])
        return given.normal(size=n)

    function(f, sampler, n_samples, rng)
    return seen


# --- callables a test passes to a student's function ------------------------------------------------------


class Power:
    """``x ** k`` elementwise (``Power(1)`` is the identity)."""

    def __init__(self, k: float) -> None:
        self.k = k

    def __call__(self, x: Any) -> Any:
        return np.asarray(x, dtype=float) ** self.k


class Arange:
    """A sampler that ignores its generator: ``sampler(n, rng)`` returns ``0, 1, ..., n - 1`` as floats."""

    def __call__(self, n: int, rng: Any = None) -> np.ndarray:
        return np.arange(n, dtype=float)


class Normal:
    """A sampler of N(loc, scale^2): ``sampler(n, rng)`` returns ``rng.normal(loc, scale, size=n)``."""

    def __init__(self, loc: float = 0.0, scale: float = 1.0) -> None:
        self.loc, self.scale = loc, scale

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(self.loc, self.scale, size=n)


class GaussianLogDensity:
    """``log N(z | mean, std^2)`` of a tensor ``z``, differentiable (a target ``log_p`` for the KL exercises)."""

    def __init__(self, mean: float, std: float) -> None:
        self.mean, self.std = mean, std

    def __call__(self, z: torch.Tensor) -> torch.Tensor:
        return -0.5 * ((z - self.mean) / self.std) ** 2 - math.log(self.std) - 0.5 * math.log(2 * math.pi)


class GaussianMixtureLogDensity:
    """``log sum_k w_k N(z | mean_k, std_k^2)`` of a tensor ``z``, differentiable and stable (logsumexp)."""

    def __init__(self, weights: list[float], means: list[float], stds: list[float]) -> None:
        self.weights, self.means, self.stds = list(weights), list(means), list(stds)

    def __call__(self, z: torch.Tensor) -> torch.Tensor:
        parts = [math.log(w) - 0.5 * ((z - m) / s) ** 2 - math.log(s) - 0.5 * math.log(2 * math.pi)
                 for w, m, s in zip(self.weights, self.means, self.stds, strict=True)]
        return torch.logsumexp(torch.stack(parts), dim=0)


# --- 04_autoregressive: models and probes of its tests ----------------------------------------------------


def manual_seed(seed: int) -> None:
    """``torch.manual_seed(seed)`` where the student's code runs (what a test's own ``torch.manual_seed`` seeds is
    its process only, the judge's under grading).

    Args:
        seed: the seed of torch's global generator.

    Returns:
        None.
    """
    torch.manual_seed(seed)


def has_submodule(module: torch.nn.Module, classes: type | tuple[type, ...]) -> bool:
    """Whether ``module`` or one of its submodules (``module.modules()``) is an instance of ``classes``.

    Args:
        module: a module (a student's).
        classes: a class or a tuple of classes, a student's (e.g. their ``RNNCell``) or a library's (``nn.RNN``):
            ``isinstance`` in the kernel tells a student's ``RNNCell`` from ``nn.RNNCell``, whatever their names.

    Returns:
        bool.
    """
    return any(isinstance(m, classes) for m in module.modules())


def set_parameters(module: torch.nn.Module, std: float, seed: int = 0) -> None:
    """Set every parameter of ``module`` to ``std`` times standard normal draws, in place (no gradient recorded).

    Args:
        module: a module (a student's).
        std: the scale of the draws; 0 sets every parameter to zero.
        seed: the seed of the ``torch.Generator`` the draws come from (parameters in ``parameters()`` order).

    Returns:
        None.
    """
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(std * torch.randn(p.shape, generator=generator, dtype=p.dtype))


def value_and_parameter_grads(function: Callable[..., Any], args: tuple, module: torch.nn.Module,
                              **kwargs: Any) -> tuple:
    """``function(*args, **kwargs)`` and the gradients of the sum of its output with respect to every parameter
    of ``module`` (their earlier gradients cleared first).

    Args:
        function: what to call: a student's function, or the module itself.
        args: its positional arguments (a tuple; ``module`` among them where the function takes it).
        module: the module whose parameters' gradients are read.
        **kwargs: its keyword arguments.

    Returns:
        (the output, detached; ``requires_grad`` of the output, a bool; a dict from each parameter's name in
        ``named_parameters()`` to its gradient, ``None`` where none reached it).
    """
    for p in module.parameters():
        p.grad = None
    out = function(*args, **kwargs)
    differentiable = isinstance(out, torch.Tensor) and out.requires_grad
    if differentiable:
        out.sum().backward()
    grads = {name: p.grad.detach().clone() if p.grad is not None else None for name, p in module.named_parameters()}
    value = out.detach() if isinstance(out, torch.Tensor) else out
    return value, differentiable, grads


class TableModel(torch.nn.Module):
    """A bigram model to hand to a function that takes an autoregressive model: ``logits[b, t] = table[tokens[b, t]]``.

    ``forward(tokens [B, T] long, h=None) -> (logits [B, T, V], h_last [B, 1] zeros)``: it ignores the state.

    Args:
        table: [V, V], the logits of the next token after each token (any real numbers; softmax normalises them).
        trainable: the table is a parameter (gradients reach it) or, if False, a buffer.
    """

    def __init__(self, table: Any, trainable: bool = True) -> None:
        super().__init__()
        table = torch.as_tensor(table, dtype=torch.float32).clone()
        if trainable:
            self.table = torch.nn.Parameter(table)
        else:
            self.register_buffer("table", table)

    def forward(self, tokens: torch.Tensor, h: Any = None) -> tuple[torch.Tensor, torch.Tensor]:
        return self.table[tokens], torch.zeros(tokens.shape[0], 1)


class CountingModel(torch.nn.Module):
    """An autoregressive model with memory: its state counts the tokens read so far, and it predicts
    ``count mod n_symbols`` almost surely (its logits are ``sharpness`` times the one-hot vector of that symbol).

    ``forward(tokens [B, T] long, h=None) -> (logits [B, T, n_symbols], h_last [B, 1])``: ``h`` is the count
    before ``tokens`` (``None``: 0), ``h_last`` the count after them.

    Args:
        n_symbols: the vocabulary size V.
        sharpness: the logit of the predicted symbol (the others' are 0).
    """

    def __init__(self, n_symbols: int, sharpness: float = 30.0) -> None:
        super().__init__()
        self.n_symbols, self.sharpness = n_symbols, sharpness

    def forward(self, tokens: torch.Tensor, h: Any = None) -> tuple[torch.Tensor, torch.Tensor]:
        count0 = torch.zeros(tokens.shape[0], 1) if h is None else h
        counts = count0 + torch.arange(1, tokens.shape[1] + 1)
        one_hot = torch.nn.functional.one_hot(counts.long() % self.n_symbols, self.n_symbols).float()
        return self.sharpness * one_hot, counts[:, -1:]


# --- 05_pixelcnn: models and probes of its tests ----------------------------------------------------------


# --- 06_pixelcnn_plus: models and probes of its tests -----------------------------------------------------
