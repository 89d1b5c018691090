"""Sampling profiles of the running server (py-spy, no code change in the server), summarised as
the functions with the most samples: where the server's CPU time goes during a scenario."""

from __future__ import annotations

import collections
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


@contextmanager
def py_spy(pids: list[int], name: str, rate: int = 250) -> Iterator[list[Path]]:
    """Record every pid in `pids` while the block runs; write collapsed stacks per pid."""
    exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    RESULTS.mkdir(exist_ok=True)
    outputs = [RESULTS / f"profile-{name}-{pid}.txt" for pid in pids]
    recorders = [
        # --gil: only the thread holding the GIL is sampled, so an event loop waiting in epoll or a
        # thread waiting for PostgreSQL does not count: the samples are the Python CPU a scenario costs.
        subprocess.Popen([exe, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw", "--gil",
                          "--nonblocking", "--output", str(out)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        for pid, out in zip(pids, outputs, strict=True)
    ]
    try:
        yield outputs
    finally:
        for recorder in recorders:
            recorder.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
        for recorder in recorders:
            try:
                recorder.wait(timeout=30)
            except subprocess.TimeoutExpired:
                recorder.kill()


_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _frame_name(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/wt-bench/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['func']} ({path})"


def summary(paths: list[Path], top: int = 30) -> str:
    """Functions by inclusive share of the samples (all processes together), then by self share."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for path in paths:
        if not path.exists():
            continue
        # A frame name can hold bytes that are not UTF-8 (py-spy reads them from the process).
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            frames = [_frame_name(f) for f in stack.split(";")]
            total += n
            for frame in set(frames):
                inclusive[frame] += n
            own[frames[-1]] += n
    if not total:
        return "no samples (is py-spy allowed to attach? it needs ptrace)"
    lines = [f"{total} samples; inclusive share (time in the function and what it calls):"]
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)]
    lines.append("self share (time in the function's own code):")
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    return "\n".join(lines)
