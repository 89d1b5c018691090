"""Background jobs used by the worker tests (importable by the worker processes they start)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from chaat.tasks import background


@background(max_attempts=3)
def note(*, path: str, text: str, seconds: float = 0.0) -> None:
    """Append a line: one line per run of the job (after `seconds` of work)."""
    time.sleep(seconds)
    with Path(path).open("a") as file:
        file.write(f"{text} {os.getpid()}\n")


@background(max_attempts=3)
def fail_then_note(*, path: str, failures: int) -> None:
    """Fail the first `failures` runs (each run leaves a line first), then succeed."""
    lines = Path(path).read_text().splitlines() if Path(path).exists() else []
    with Path(path).open("a") as file:
        file.write(f"run {time.time()}\n")
    if len(lines) < failures:
        raise RuntimeError("not yet")


@background(max_attempts=2)
def always_fail(*, path: str) -> None:
    with Path(path).open("a") as file:
        file.write("run\n")
    raise RuntimeError("never")


@background(max_attempts=3)
def hang_once(*, path: str) -> None:
    """The first run hangs (its worker will be killed); a later run succeeds."""
    first = not Path(path).exists()
    with Path(path).open("a") as file:
        file.write(f"run {os.getpid()}\n")
    if first:
        time.sleep(600)
