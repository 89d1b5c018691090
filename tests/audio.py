"""Tiny real audio files for voice message tests, made by ffmpeg (`apt-get install ffmpeg`): a sine
tone of the given length in each accepted container and codec, cached per run."""

from __future__ import annotations

import functools
import subprocess
import tempfile
from pathlib import Path

from tests.conftest import installed

# container extension -> ffmpeg codec options, and the type Chaat reads from the bytes
FORMATS = {
    "ogg": (["-c:a", "libopus", "-b:a", "8k"], "audio/ogg"),
    "webm": (["-c:a", "libopus", "-b:a", "8k"], "audio/webm"),
    "m4a": (["-c:a", "aac", "-b:a", "16k"], "audio/mp4"),
    "mp3": (["-c:a", "libmp3lame", "-b:a", "8k", "-ar", "8000"], "audio/mpeg"),
}


def need_ffmpeg() -> str:
    return installed("ffmpeg", "it makes the audio files: apt-get install ffmpeg")


@functools.cache
def _audio(extension: str, seconds: float, silent: bool) -> bytes:
    ffmpeg = need_ffmpeg()
    source = "anullsrc=r=48000:cl=mono" if silent else "sine=frequency=440:sample_rate=48000"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"voice.{extension}"
        subprocess.run([ffmpeg, "-loglevel", "error", "-y", "-f", "lavfi", "-i", source, "-t", str(seconds),
                        "-ac", "1", *FORMATS[extension][0], str(out)], check=True, timeout=60)
        return out.read_bytes()


def audio(extension: str, seconds: float = 2.5) -> bytes:
    """`seconds` of audio in this container; long ones are silence, which compresses to almost nothing."""
    return _audio(extension, seconds, seconds > 30)
