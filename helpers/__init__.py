"""Helpers for the Generative Models course notebooks.

The package holds no answer to any exercise. Modules:

- :mod:`helpers.checks`: friendly self-checks for the visible tests;
- :mod:`helpers.probes`: what a test cell runs beside the student's code (probes, test models and callables), so that
  the same test cell runs in a student's kernel and in the grader's judge;
- :mod:`helpers.claims`: the notebooks' prose claims, checked by the run that computes them;
- :mod:`helpers.coding`: entropy coding around a coder the student writes (quantised frequencies, the
  general-purpose compressors and PNG, the models-as-compressors leaderboard);
- :mod:`helpers.data`: the data sets shipped in ``data/`` (checksummed);
- :mod:`helpers.plots`: the course's plot style and figure helpers;
- :mod:`helpers.training`: seeding, device choice, grading-aware budgets, a training loop;
- :mod:`helpers.units`: nats, bits, per image and per dimension;
- :mod:`helpers.text`: the text corpus, a character vocabulary and a synthetic Markov source (notebook 04);
- :mod:`helpers.shapes`: a synthetic binary-image source with an exact log-probability (notebook 05);
- :mod:`helpers.colab`: where the course comes from on Google Colab (the setup cell's configuration).
"""

__version__ = "0.1.0"
