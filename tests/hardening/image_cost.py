"""Clean one file as an upload is cleaned, in a process of its own, and print what it cost, as
JSON: `python -m tests.hardening.image_cost PATH` → {"outcome", "seconds", "rss_mib"}.

A process of its own because a process's peak memory only ever grows: measured in the test
process it would include everything the suite did before."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def memory_mib(field: str) -> float:
    """VmRSS (resident now) or VmHWM (the peak so far) of this process, from Linux's /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def main(path: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.images import clean_image_with_thumbnail
    from chaat.errors import ChaatError
    from tests.images import png_bytes

    def clean(name: str, content: bytes) -> str:
        try:
            clean_image_with_thumbnail(SimpleUploadedFile(name, content), max_bytes=settings.IMAGE_MAX_BYTES,
                                       thumb_side=480)
        except ChaatError as exc:
            return exc.code
        return "stored"

    content = Path(path).read_bytes()
    clean("warm-up.png", png_bytes())  # Pillow's plugins and codecs are loaded before the baseline
    # From what is resident now, not from the peak so far: Django's start may have peaked higher.
    before = memory_mib("VmRSS")
    started = time.monotonic()
    outcome = clean(Path(path).name, content)
    print(json.dumps({"outcome": outcome, "seconds": time.monotonic() - started,
                      "rss_mib": memory_mib("VmHWM") - before}))


if __name__ == "__main__":
    main(sys.argv[1])
