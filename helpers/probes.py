"""Course-written code that the test cells run next to a student's code: probes, and callables to pass in.

In a student's notebook a test cell runs in the student's own kernel and everything here is ordinary code. When an
instructor grades, a test cell runs in a judge process where the student's names are handles into the hand-in's
kernel and every result comes back as plain data (:mod:`autograder.grading.judge`). Two things then need code that runs
*in the kernel*, written by the course:

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
    """While the judge runs a test cell, :func:`run` sends probes to the hand-in's kernel (used by the autograder).

    Args:
        judge: the autograder's judge: its ``call(None, args, kwargs, probe=name)`` runs probe ``name`` in the
            hand-in's kernel and returns its result as plain data.

    Returns:
        A context manager for a ``with`` block (it binds None); the judge before it is restored on exit.
    """
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
        *args: its positional arguments; the student's functions and objects among them.
        **kwargs: its keyword arguments; the student's functions and objects among them.

    Returns:
        What the probe returns; under the judge, as plain data.

    Raises:
        ValueError: when ``probe`` is not a function of this module.
    """
    name = getattr(probe, "__name__", "")
    if globals().get(name) is not probe:
        raise ValueError(f"{probe!r} is not a probe of helpers.probes")
    if _judge is None:
        return probe(*args, **kwargs)
    return _judge.call(None, args, kwargs, probe=name)


# --- probes -----------------------------------------------------------------------------------------------


def seeded(seed: int, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` after seeding Python's, NumPy's and torch's global generators with ``seed``.

    Args:
        seed: the seed of the three global generators.
        function: what to call (a student's function).
        *args: its positional arguments.
        **kwargs: its keyword arguments.

    Returns:
        What ``function`` returns.
    """
    import random

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return function(*args, **kwargs)


def value_and_grads(function: Callable[..., Any], args: list, wrt: list[int], **kwargs: Any) -> tuple:
    """``function(*args, **kwargs)`` and the gradients of the sum of its output with respect to ``args[i]``, i in
    ``wrt`` (each a float tensor, made a leaf that requires grad).

    Args:
        function: what to call (a student's function).
        args: its positional arguments, a list.
        wrt: the indices in ``args`` of the arguments to differentiate with respect to (each replaced by a detached
            copy, ``torch.as_tensor(args[i])``, that requires grad).
        **kwargs: its keyword arguments.

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
    """The number of (trainable) parameter entries of ``module``.

    Args:
        module: a module (a student's).
        trainable: count only the parameters that require grad; if False, count them all.

    Returns:
        The total ``numel()`` of those parameters.
    """
    return int(sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable))


def is_instance(value: Any, cls: type) -> bool:
    """``isinstance(value, cls)``, in the kernel (``cls`` a student's class or a library's).

    Args:
        value: the object to test (a student's).
        cls: the class.

    Returns:
        bool.
    """
    return isinstance(value, cls)


def sampler_calls(function: Callable[..., Any], f: Callable, n_samples: int, rng: np.random.Generator) -> list:
    """How ``function(f, sampler, n_samples, rng)`` calls its sampler: one ``[n, rng is the given rng]`` a call.

    The sampler answers ``sampler(n, given)`` with ``given.normal(size=n)``.

    Args:
        function: the student's function, called as ``function(f, sampler, n_samples, rng)``.
        f: the function whose expectation it estimates (e.g. a :class:`Power`).
        n_samples: the number of samples it is asked for.
        rng: the ``numpy.random.Generator`` it is given.

    Returns:
        One ``[n, is_rng]`` list a call of the sampler, in order: ``n`` the int it asked for, ``is_rng`` whether
        it passed the very ``rng`` given.
    """
    seen: list = []

    def sampler(n: int, given: Any) -> np.ndarray:
        seen.append([int(n), given is rng])
        return given.normal(size=n)

    function(f, sampler, n_samples, rng)
    return seen


# --- callables a test passes to a student's function ------------------------------------------------------


class Power:
    """``x ** k`` elementwise (``Power(1)`` is the identity).

    Args:
        k: the exponent; ``Power(k)(x)`` returns ``np.asarray(x, dtype=float) ** k``.
    """

    def __init__(self, k: float) -> None:
        self.k = k

    def __call__(self, x: Any) -> Any:
        return np.asarray(x, dtype=float) ** self.k


class Arange:
    """A sampler that ignores its generator: ``sampler(n, rng)`` returns ``0, 1, ..., n - 1`` as floats."""

    def __call__(self, n: int, rng: Any = None) -> np.ndarray:
        return np.arange(n, dtype=float)


class Normal:
    """A sampler of N(loc, scale^2): ``sampler(n, rng)`` returns ``rng.normal(loc, scale, size=n)``.

    Args:
        loc: the mean.
        scale: the standard deviation.
    """

    def __init__(self, loc: float = 0.0, scale: float = 1.0) -> None:
        self.loc, self.scale = loc, scale

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(self.loc, self.scale, size=n)


class GaussianLogDensity:
    """``log N(z | mean, std^2)`` of a tensor ``z``, differentiable (a target ``log_p`` for the KL exercises).

    ``GaussianLogDensity(mean, std)(z)`` returns the log density at every entry of ``z`` (same shape), in nats.

    Args:
        mean: the mean.
        std: the standard deviation (positive).
    """

    def __init__(self, mean: float, std: float) -> None:
        self.mean, self.std = mean, std

    def __call__(self, z: torch.Tensor) -> torch.Tensor:
        return -0.5 * ((z - self.mean) / self.std) ** 2 - math.log(self.std) - 0.5 * math.log(2 * math.pi)


class GaussianMixtureLogDensity:
    """``log sum_k w_k N(z | mean_k, std_k^2)`` of a tensor ``z``, differentiable and stable (logsumexp).

    ``GaussianMixtureLogDensity(weights, means, stds)(z)`` returns the log density at every entry of ``z`` (same
    shape), in nats.

    Args:
        weights: the K mixture weights w_k (positive, summing to 1).
        means: the K means.
        stds: the K standard deviations (positive).
    """

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
        """The logits of the next token after each token.

        Args:
            tokens: long [B, T], token ids in 0..V-1.
            h: a state; ignored.

        Returns:
            (logits [B, T, V], ``table[tokens]``; h_last [B, 1], zeros).
        """
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
        """The logits of the next token after each token: after t + 1 tokens, ``count = h + t + 1``.

        Args:
            tokens: long [B, T]; only their shape is used.
            h: [B, 1], the count before ``tokens``; None for 0.

        Returns:
            (logits [B, T, n_symbols]: at position t, ``sharpness`` times the one-hot vector of
            ``(h + t + 1) mod n_symbols``; h_last [B, 1]: ``h + T``).
        """
        count0 = torch.zeros(tokens.shape[0], 1) if h is None else h
        counts = count0 + torch.arange(1, tokens.shape[1] + 1)
        one_hot = torch.nn.functional.one_hot(counts.long() % self.n_symbols, self.n_symbols).float()
        return self.sharpness * one_hot, counts[:, -1:]


# --- 05_pixelcnn: models and probes of its tests ----------------------------------------------------------


def pixel_dependencies(model: Callable[..., Any], input_shape: tuple, seed: int = 0) -> torch.Tensor:
    """Which input pixels each output pixel depends on, by gradients: the map of an image model's causality.

    Args:
        model: a callable on a float tensor [N, C, H, W] whose output is [N, C_out, H, W] (a student's layer or
            network).
        input_shape: (N, C, H, W), the shape of the input: uniform draws on [0, 1) from a ``torch.Generator``
            seeded with ``seed``, made a leaf that requires grad.
        seed: the seed of that generator.

    Returns:
        bool tensor [H * W, H * W]: entry (i, j) is True when the output at raster index i (summed over the batch
        and the output channels) has a non-zero gradient with respect to the input pixel at raster index j (in some
        batch entry and some input channel).
    """
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(*input_shape, generator=generator).requires_grad_(True)
    out = model(x)
    height, width = x.shape[-2:]
    deps = torch.zeros(height * width, height * width, dtype=torch.bool)
    for i in range(height * width):
        (grad,) = torch.autograd.grad(out[:, :, i // width, i % width].sum(), x, retain_graph=True)
        deps[i] = (grad.abs().sum(dim=(0, 1)) > 0).reshape(-1)
    return deps


def adam_steps_on_images(model: torch.nn.Module, n_steps: int, lr: float, input_shape: tuple,
                         target_shape: tuple | None = None, binary: bool = False, seed: int = 0) -> list[float]:
    """Train ``model`` in place for a few steps of ``torch.optim.Adam(model.parameters(), lr)`` on random images.

    Each step draws an input ``x`` of ``input_shape`` from a ``torch.Generator`` seeded with ``seed`` and
    minimises a loss of ``model(x)``:

    - ``binary=False``: ``x`` uniform on [0, 1), the loss the sum of squares of ``model(x) - target``, the target
      a uniform draw of ``target_shape`` made after ``x`` (zero when ``target_shape`` is None);
    - ``binary=True``: ``x`` 0 or 1 with probability 1/2 each, the loss
      ``F.binary_cross_entropy_with_logits(model(x), x)`` (``model(x)`` are logits of ``x``, mean over entries).

    Args:
        model: a module (a student's); its parameters change.
        n_steps: the number of optimiser steps.
        lr: Adam's learning rate.
        input_shape: the shape of ``x``, e.g. (N, C, H, W).
        target_shape: the shape of the random target (``binary=False`` only).
        binary: which of the two losses above.
        seed: the seed of the generator of the inputs and targets.

    Returns:
        The loss before each step, a list of ``n_steps`` floats.
    """
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(n_steps):
        x = torch.rand(*input_shape, generator=generator)
        if binary:
            x = (x < 0.5).float()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x), x)
        else:
            target = 0.0 if target_shape is None else torch.rand(*target_shape, generator=generator)
            loss = ((model(x) - target) ** 2).sum()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach()))
    return losses


def named_buffers(module: torch.nn.Module) -> dict:
    """The buffers of ``module`` and of its submodules (``module.named_buffers()``), with their values.

    Args:
        module: a module (a student's).

    Returns:
        dict {buffer name: tensor (a copy)}, in ``named_buffers()`` order.
    """
    return {name: buffer.detach().clone() for name, buffer in module.named_buffers()}


class MaskedConvStack(torch.nn.Module):
    """A stack of convolutions with given 0/1 masks on their kernels, tanh between them, 'same' padding: a model
    whose receptive field follows from its masks.

    ``forward(x [B, 1, H, W]) -> [B, 1, H, W]``.

    Args:
        masks: one k x k mask (a list of rows of 0/1, k odd) for each convolution, from the first to the last.
        channels: the channels between the convolutions.
        seed: the seed of torch's generator the convolutions are initialised from (in a fork of the global generator,
            whose state does not change).
    """

    def __init__(self, masks: list, channels: int = 3, seed: int = 0) -> None:
        super().__init__()
        sizes = [1] + [channels] * (len(masks) - 1) + [1]
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.convs = torch.nn.ModuleList(torch.nn.Conv2d(a, b, len(m), padding=len(m) // 2)
                                             for a, b, m in zip(sizes, sizes[1:], masks, strict=False))
        self.masks = [torch.tensor(m, dtype=torch.float32) for m in masks]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The convolutions with masked kernels (``weight * mask``), tanh between them.

        Args:
            x: float [B, 1, H, W].

        Returns:
            float [B, 1, H, W].
        """
        for i, (conv, mask) in enumerate(zip(self.convs, self.masks, strict=True)):
            x = torch.nn.functional.conv2d(x, conv.weight * mask, conv.bias, padding=conv.padding)
            if i < len(self.convs) - 1:
                x = torch.tanh(x)
        return x


class SquaredInput(torch.nn.Module):
    """``model(x * x)``: a model whose gradient with respect to ``x`` vanishes at ``x = 0``.

    Args:
        model: the model applied to the squared input (e.g. a :class:`MaskedConvStack`).
    """

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The model applied to ``x * x``.

        Args:
            x: the input the model takes, e.g. float [B, 1, H, W].

        Returns:
            ``model(x * x)``.
        """
        return self.model(x * x)


class ConcatChannels(torch.nn.Module):
    """The outputs of several image models side by side: ``torch.cat([m(x) for m in models], dim=1)``.

    Args:
        models: modules mapping x [B, C, H, W] to [B, C_i, H, W].
    """

    def __init__(self, models: list) -> None:
        super().__init__()
        self.parts = torch.nn.ModuleList(models)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Every model's output on ``x``, concatenated along the channels.

        Args:
            x: [B, C, H, W].

        Returns:
            [B, sum_i C_i, H, W], the models' outputs in the order given.
        """
        return torch.cat([model(x) for model in self.parts], dim=1)


class ConstantLogits(torch.nn.Module):
    """A model of binary images whose pixels are independent, each 1 with probability ``p``.

    ``forward(x [B, 1, H, W]) -> logits [B, 1, H, W]``, every entry ``log(p / (1 - p))``, whatever ``x``.

    Args:
        p: the probability of a 1, in (0, 1).
    """

    def __init__(self, p: float = 0.2) -> None:
        super().__init__()
        self.unused = torch.nn.Parameter(torch.zeros(()))  # so that next(model.parameters()) works
        self.logit = math.log(p / (1 - p))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The same logit at every pixel, whatever ``x``.

        Args:
            x: float [B, 1, H, W] (only its shape, dtype and device are used).

        Returns:
            logits of ``x``'s shape, every entry ``log(p / (1 - p))``.
        """
        return torch.full_like(x, self.logit)


class RasterCopyLogits(torch.nn.Module):
    """A model of binary images in raster order: the first pixel is 1 with probability 1/2, every later pixel
    copies the pixel before it (its logit is +20 after a 1, -20 after a 0).

    ``forward(x [B, 1, H, W]) -> logits [B, 1, H, W]``: the logit at raster index i is read from ``x`` at i - 1.
    """

    def __init__(self) -> None:
        super().__init__()
        self.unused = torch.nn.Parameter(torch.zeros(()))  # so that next(model.parameters()) works

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The logit of every pixel from the pixel before it in raster order.

        Args:
            x: float [B, 1, H, W] of 0/1.

        Returns:
            logits [B, 1, H, W]: 0 at raster index 0; at index i > 0, ``40 * x[i - 1] - 20`` (+20 after a 1,
            -20 after a 0).
        """
        flat = x.reshape(len(x), -1)
        previous = torch.cat([torch.zeros(len(x), 1), flat[:, :-1]], dim=1)
        logits = 40.0 * previous - 20.0
        logits[:, 0] = 0.0
        return logits.reshape(x.shape)


# --- 06_pixelcnn_plus: models and probes of its tests -----------------------------------------------------


def level_dependencies(model: Callable[..., Any], x: Any, *args: Any) -> torch.Tensor:
    """Which input pixels the output at each pixel of an image model depends on, by gradients: the map of its
    causality in raster order.

    Args:
        model: a callable ``model(x, *args)`` -> [..., H, W] (a student's image model, e.g. logits [B, K, H, W]).
        x: the input [..., H, W] (e.g. levels [B, 1, H, W]), made a float leaf copy that requires grad (levels given
            as floats, so that the gradients exist).
        *args: the model's further arguments (e.g. labels y [B]), passed as they are.

    Returns:
        bool tensor [H*W, H*W]: entry (i, j) is True when some output at raster index i (any batch entry, any
        channel) has a nonzero gradient with respect to some input at raster index j (any batch entry, any channel).
    """
    x = torch.as_tensor(x).detach().clone().float().requires_grad_(True)
    out = model(x, *args)
    height, width = out.shape[-2:]
    n_in = x.shape[-2] * x.shape[-1]
    flat = out.reshape(-1, height * width)
    rows = []
    for i in range(height * width):
        (grad,) = torch.autograd.grad(flat[:, i].sum(), x, retain_graph=True, allow_unused=True)
        if grad is None:
            rows.append(torch.zeros(n_in, dtype=torch.bool))
            continue
        rows.append(grad.abs().reshape(-1, n_in).sum(0) > 0)
    return torch.stack(rows)


def adam_steps_on_levels(model: torch.nn.Module, batches: list, lr: float = 0.05) -> list[float]:
    """A few Adam steps on an image model over levels: each step lowers the mean cross-entropy of the model's
    logits against the levels of its own input (``F.cross_entropy(model(x, *rest), x[:, 0])``).

    Args:
        model: a module ``model(x, *rest)`` -> logits [B, K, H, W] for levels x [B, 1, H, W] (a student's); its
            parameters change in place.
        batches: one tuple ``(x, *rest)`` a step: x a long tensor [B, 1, H, W] of levels 0..K-1, ``rest`` the
            model's further arguments (e.g. labels y [B]).
        lr: Adam's learning rate.

    Returns:
        list of float: each step's loss, before its update.
    """
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for x, *rest in batches:
        loss = torch.nn.functional.cross_entropy(model(x, *rest), x[:, 0])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach()))
    return losses


class CopyPreviousLevel(torch.nn.Module):
    """An image model over K levels whose first pixel (raster order) is uniform and whose every later pixel copies
    the previous one, almost surely.

    ``forward(x [B, 1, H, W] long) -> logits [B, K, H, W]``: at raster index 0 all zeros; at index i > 0,
    ``sharpness`` times the one-hot vector of x's level at index i - 1. It has one parameter, which it does not use
    (as a model to sample from has parameters).

    Args:
        n_levels: K.
        sharpness: the logit of the copied level (the others' are 0).
    """

    def __init__(self, n_levels: int, sharpness: float = 60.0) -> None:
        super().__init__()
        self.n_levels, self.sharpness = n_levels, sharpness
        self.unused = torch.nn.Parameter(torch.zeros(()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The logits of every pixel's level from the level before it in raster order.

        Args:
            x: long [B, 1, H, W], levels in 0..K-1.

        Returns:
            logits [B, K, H, W]: all zeros at raster index 0; at index i > 0, ``sharpness`` times the one-hot
            vector of the level at index i - 1.
        """
        flat = x.reshape(len(x), -1)
        previous = torch.cat([flat[:, :1], flat[:, :-1]], dim=1)
        logits = self.sharpness * torch.nn.functional.one_hot(previous, self.n_levels).float().permute(0, 2, 1)
        logits[:, :, 0] = 0.0
        return logits.reshape(len(x), self.n_levels, *x.shape[-2:])


class FixedLevels(torch.nn.Module):
    """An image model over K levels whose every pixel is independently level k with probability ``probs[k]``,
    whatever the input.

    ``forward(x [B, 1, H, W]) -> logits [B, K, H, W]``, ``log probs`` at every pixel. It has one parameter, which it
    does not use.

    Args:
        probs: K positive probabilities (summing to 1).
    """

    def __init__(self, probs: Any) -> None:
        super().__init__()
        self.register_buffer("logits", torch.as_tensor(probs, dtype=torch.float32).log())
        self.unused = torch.nn.Parameter(torch.zeros(()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The same logits at every pixel, whatever ``x``.

        Args:
            x: [B, 1, H, W] (only its batch size and image size are used).

        Returns:
            logits [B, K, H, W]: ``log probs[k]`` in channel k at every pixel.
        """
        return self.logits[None, :, None, None].expand(len(x), -1, *x.shape[-2:]).clone()


class LabelLevel(torch.nn.Module):
    """A class-conditional image model over K levels whose every pixel is level y, almost surely.

    ``forward(x [B, 1, H, W], y [B] long) -> logits [B, K, H, W]``: ``sharpness`` times the one-hot vector of y[b]
    at every pixel of image b. It has one parameter, which it does not use.

    Args:
        n_levels: K (the labels are levels 0..K-1).
        sharpness: the logit of level y (the others' are 0).
    """

    def __init__(self, n_levels: int, sharpness: float = 60.0) -> None:
        super().__init__()
        self.n_levels, self.sharpness = n_levels, sharpness
        self.unused = torch.nn.Parameter(torch.zeros(()))

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The logits of level ``y[b]`` at every pixel of image b.

        Args:
            x: [B, 1, H, W] (only its image size is used).
            y: long [B], the labels, levels in 0..K-1.

        Returns:
            logits [B, K, H, W]: ``sharpness`` times the one-hot vector of ``y[b]`` at every pixel of image b.
        """
        one_hot = torch.nn.functional.one_hot(torch.as_tensor(y).long(), self.n_levels).float()
        return (self.sharpness * one_hot)[:, :, None, None].expand(-1, -1, *x.shape[-2:]).clone()


# --- 07_wavenet_gpt: models and probes of its tests ---


def time_dependencies(model: Callable[..., Any], x: Any, in_dim: int = -1, out_dim: int = -1) -> torch.Tensor:
    """Which input positions each output position depends on, by gradients: the map of a sequence model's causality.

    Args:
        model: a callable on a float tensor (a student's layer or network).
        x: the float input, e.g. [B, C, T] (time on ``in_dim``); a leaf copy of it is made that requires grad.
        in_dim: the time axis of the input.
        out_dim: the time axis of the output.

    Returns:
        bool tensor [T_out, T_in]: entry (t, s) is True when some output at position t has a nonzero gradient with
        respect to some input at position s (any batch entry, any channel).
    """
    x = torch.as_tensor(x).detach().clone().float().requires_grad_(True)
    out = model(x)
    out_t = out.movedim(out_dim, 0)
    rows = []
    for t in range(out_t.shape[0]):
        (grad,) = torch.autograd.grad(out_t[t].sum(), x, retain_graph=True, allow_unused=True)
        if grad is None:
            rows.append(torch.zeros(x.shape[in_dim], dtype=torch.bool))
            continue
        grad = grad.movedim(in_dim, 0).abs().reshape(x.shape[in_dim], -1).sum(1)
        rows.append(grad > 0)
    return torch.stack(rows)


def load_state(module: torch.nn.Module, state: dict) -> list[str]:
    """``module.load_state_dict(state, strict=False)``: set some parameters of a student's module to given values.

    Args:
        module: the student's module.
        state: {parameter name: tensor}, e.g. ``{"query.weight": w}``.

    Returns:
        The names in ``state`` the module does not have (sorted); empty when every one was set.
    """
    result = module.load_state_dict({k: torch.as_tensor(v) for k, v in state.items()}, strict=False)
    return sorted(result.unexpected_keys)


# --- 02_entropy: models and probes of its tests ------------------------------------------------------------


class MarkovNext:
    """A ``next_distribution`` of a first-order Markov chain for the entropy coder's tests.

    ``MarkovNext(init, trans)(prefix)`` returns ``init`` for the empty prefix, else ``trans[prefix[-1]]``:
    the distribution of the next symbol depends on the decoded prefix, as an autoregressive model's does.
    ``init``: [K]; ``trans``: [K, K], rows summing to 1.

    Args:
        init: [K], the distribution of the first symbol (stored as a float64 array).
        trans: [K, K], ``trans[i, j]`` the probability of symbol j after symbol i (stored as a float64 array).
    """

    def __init__(self, init: Any, trans: Any) -> None:
        self.init, self.trans = np.asarray(init, dtype=float), np.asarray(trans, dtype=float)

    def __call__(self, prefix: Any) -> np.ndarray:
        return self.init if len(prefix) == 0 else self.trans[int(prefix[-1])]


def decoder_calls(decode: Callable[..., Any], bits: str, next_distribution: Callable[[Any], Any],
                  n_symbols: int) -> tuple:
    """``decode(bits, recorder, n_symbols)``, where ``recorder`` passes every call on to ``next_distribution``
    and writes down its prefix.

    Args:
        decode: the student's decoder, ``decode(bits, next_distribution, n_symbols)``.
        bits: the code, a string of ``"0"`` and ``"1"``.
        next_distribution: the distributions to decode with (e.g. a :class:`MarkovNext`), ``prefix -> [K]``.
        n_symbols: the length of the message.

    Returns:
        (what ``decode`` returned, converted to a list of ints; the prefixes it asked about, in order, each a list
        of ints).
    """
    seen: list = []

    def recorder(prefix: Any) -> Any:
        seen.append([int(s) for s in prefix])
        return next_distribution(prefix)

    decoded = decode(bits, recorder, n_symbols)
    return [int(s) for s in decoded], seen
