"""A stand-in grading job for ``tests/test_dask.py``: the scheduler and the workers import it from here."""

from __future__ import annotations

import os
import time
from pathlib import Path


def sleepy_job(payload: dict) -> dict:
    """A stand-in grading job for the executor's tests: note its start and end in ``payload["log"]``, sleep,
    and raise for the key ``"broken"`` (a job failing for its own reasons)."""
    key, log = payload["key"], Path(payload["log"])
    with log.open("a") as handle:
        handle.write(f"start {key} {os.getpid()}\n")
    time.sleep(payload["seconds"])
    if key == "broken":
        with log.open("a") as handle:
            handle.write(f"raise {key} {os.getpid()}\n")
        raise ValueError(f"hand-in {key} is broken")
    with log.open("a") as handle:
        handle.write(f"end {key} {os.getpid()}\n")
    return {"key": key, "square": payload["n"] ** 2}
