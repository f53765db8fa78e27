"""Helpers for the Generative Models course notebooks.

The package holds no answer to any exercise. Modules:

- :mod:`helpers.checks`: friendly self-checks for the visible tests;
- :mod:`helpers.data`: the data sets shipped in ``data/`` (checksummed);
- :mod:`helpers.plots`: the course's plot style and figure helpers;
- :mod:`helpers.training`: seeding, device choice, grading-aware budgets, a training loop;
- :mod:`helpers.units`: nats, bits, per image and per dimension;
- :mod:`helpers.colab`: the first-cell bootstrap for Google Colab.
"""

__version__ = "0.1.0"
