"""Text and sequence data for notebook 04 (autoregressive models).

- :func:`load_corpus`: *Alice's Adventures in Wonderland* (Lewis Carroll, 1865; public domain), one
  paragraph a line, shipped as ``data/alice.txt`` and checked against its sha256 (``data/alice.md``
  says where it comes from and how it was made);
- :class:`CharVocab`: a character vocabulary, ``encode`` (text -> int64 ids) and ``decode`` (ids -> text);
- :func:`markov_source`: a seeded synthetic first-order Markov chain whose entropy rate is known
  exactly, with a sampler, so that a model's NLL can be set against the floor no model can beat.

The module holds no answer to an exercise: it fits nothing, and the entropy rate it reports is the
one of the chain it generated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from helpers.data import data_path

ALICE_SHA256 = "c634789b54262f7ff34dc74d00d122bc4b3042afd8a979e046b17f5badfc4314"
"""sha256 of ``data/alice.txt``."""


def load_corpus() -> str:
    """The text of *Alice's Adventures in Wonderland* (142,423 ASCII characters, one paragraph a line).

    Returns:
        The whole text of ``data/alice.txt``.

    Raises:
        FileNotFoundError: when the data folder or ``alice.txt`` cannot be found.
        OSError: when the file's sha256 is not :data:`ALICE_SHA256`.
    """
    return data_path("alice.txt", ALICE_SHA256).read_text(encoding="ascii")


class CharVocab:
    """A character vocabulary: ids 0..size-1 for the distinct characters of a text, in sorted order.

    >>> vocab = CharVocab("hello")
    >>> vocab.chars, vocab.encode("hole").tolist(), vocab.decode([3, 2, 0])
    ('ehlo', [1, 3, 2, 0], 'ole')

    Args:
        text: the text whose distinct characters make the vocabulary.

    Raises:
        ValueError: when ``text`` is empty.
    """

    def __init__(self, text: str) -> None:
        self.chars: str = "".join(sorted(set(text)))
        if not self.chars:
            raise ValueError("cannot build a vocabulary from an empty text")
        self._index = {c: i for i, c in enumerate(self.chars)}

    @property
    def size(self) -> int:
        """The number of distinct characters.

        Returns:
            ``len(chars)``, the vocabulary size V.
        """
        return len(self.chars)

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return f"CharVocab(size={self.size}, chars={self.chars!r})"

    def encode(self, text: str) -> np.ndarray:
        """Character ids of ``text``: int64 array [len(text)]; ``KeyError`` on a character not in the vocabulary.

        Args:
            text: the text to encode.

        Returns:
            An int64 array [len(text)] of ids in 0..size-1.

        Raises:
            KeyError: when ``text`` holds a character not in the vocabulary.
        """
        try:
            return np.fromiter((self._index[c] for c in text), dtype=np.int64, count=len(text))
        except KeyError as error:
            raise KeyError(f"character {error.args[0]!r} is not in the vocabulary") from None

    def decode(self, ids: Iterable[int]) -> str:
        """The text of a sequence of ids (a list, a NumPy array or a 1-D torch tensor).

        Args:
            ids: the ids, each in 0..size-1.

        Returns:
            The text, one character per id.
        """
        if hasattr(ids, "tolist"):
            ids = ids.tolist()
        return "".join(self.chars[int(i)] for i in ids)


@dataclass(frozen=True)
class MarkovSource:
    """A first-order Markov chain on states 0..n_states-1 (made by :func:`markov_source`).

    ``init`` [S]: the distribution of the first state (the chain's stationary distribution, so every
    position has the same marginal); ``trans`` [S, S]: ``trans[i, j] = p(x_{t+1} = j | x_t = i)``;
    ``true_entropy_rate``: the chain's entropy rate in nats per symbol,
    ``-sum_i init[i] sum_j trans[i, j] log trans[i, j]``.

    Args:
        init: [S], the distribution of the first state.
        trans: [S, S], the transition matrix, rows summing to 1.
        true_entropy_rate: the chain's entropy rate, in nats per symbol.
    """

    init: np.ndarray
    trans: np.ndarray
    true_entropy_rate: float

    @property
    def n_states(self) -> int:
        """The number of states S.

        Returns:
            ``len(init)``.
        """
        return len(self.init)

    def sample(self, n: int, length: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` sequences of ``length`` states drawn from the chain: int64 array [n, length].

        Args:
            n: the number of sequences.
            length: the number of states in each sequence.
            rng: the generator the draws come from.

        Returns:
            An int64 array [n, length] of states in 0..S-1; the first column drawn from ``init``, every later state
            from the row of ``trans`` of the state before it.
        """
        out = np.empty((n, length), dtype=np.int64)
        if length == 0:
            return out
        cum_init = np.cumsum(self.init)
        cum_trans = np.cumsum(self.trans, axis=1)
        last = self.n_states - 1
        out[:, 0] = np.minimum(np.searchsorted(cum_init, rng.random(n), side="right"), last)
        for t in range(1, length):
            u = rng.random(n)[:, None]
            out[:, t] = np.minimum((u >= cum_trans[out[:, t - 1]]).sum(axis=1), last)
        return out


def markov_source(n_states: int = 8, seed: int = 0, concentration: float = 0.3) -> MarkovSource:
    """A random Markov chain with ``n_states`` states, the same for the same ``seed``.

    Each row of ``trans`` is drawn from a Dirichlet(``concentration``) distribution (a small
    concentration gives peaked rows, a low entropy rate) and mixed with 1 % of the uniform row, so
    every transition has a probability of at least 0.01 / n_states and the chain is irreducible
    and aperiodic. ``init`` is its stationary distribution.

    Args:
        n_states: the number of states S (at least 2).
        seed: the seed of the generator the rows of ``trans`` are drawn from.
        concentration: the parameter of the symmetric Dirichlet distribution of each row.

    Returns:
        :class:`MarkovSource` with ``init`` [S], ``trans`` [S, S] (both read-only) and ``true_entropy_rate`` in
        nats per symbol.

    Raises:
        ValueError: when ``n_states`` is less than 2.
    """
    if n_states < 2:
        raise ValueError(f"n_states should be at least 2, got {n_states}")
    rng = np.random.default_rng(seed)
    trans = 0.99 * rng.dirichlet(np.full(n_states, concentration), size=n_states) + 0.01 / n_states
    trans /= trans.sum(axis=1, keepdims=True)
    # Stationary distribution: the left eigenvector of trans for the eigenvalue 1 (the only one of
    # modulus 1, since every entry is positive).
    values, vectors = np.linalg.eig(trans.T)
    stationary = np.real(vectors[:, np.argmin(np.abs(values - 1.0))])
    stationary = stationary / stationary.sum()
    rate = float(-(stationary[:, None] * trans * np.log(trans)).sum())
    trans.setflags(write=False)
    stationary.setflags(write=False)
    return MarkovSource(init=stationary, trans=trans, true_entropy_rate=rate)
