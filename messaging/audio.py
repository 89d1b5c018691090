"""Voice messages: what the bytes are (sniffed with `filetype`, never the declared type) and how long
they play (read from the container by `mutagen`; WebM, which mutagen does not read, by the small
EBML reader below). Accepted: Ogg/Opus, WebM/Opus, MP4/AAC and MP3."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

import filetype
from mutagen import MutagenError
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus

from messaging.errors import InvalidAudio

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Audio:
    content_type: str
    duration_s: float


def inspect_audio(file: BinaryIO, *, max_seconds: float) -> Audio:
    """The audio's type and length; InvalidAudio for anything that is not one of the accepted
    formats, cannot be read, is empty or plays longer than `max_seconds`."""
    file.seek(0)
    kind = filetype.guess(file.read(SNIFF_BYTES))
    file.seek(0)
    mime = kind.mime if kind else ""
    try:
        if mime == "audio/ogg":
            content_type, duration = "audio/ogg", OggOpus(file).info.length
        elif mime == "video/webm":
            content_type, duration = "audio/webm", webm_opus_duration(file)
        elif mime in ("audio/mp4", "video/mp4"):
            content_type, duration = "audio/mp4", _mp4_aac_duration(file)
        elif mime == "audio/mpeg":
            content_type, duration = "audio/mpeg", MP3(file).info.length
        else:
            raise InvalidAudio()
    except (MutagenError, ValueError, struct.error, EOFError, OverflowError, IndexError) as exc:
        raise InvalidAudio() from exc
    finally:
        file.seek(0)
    if not duration or not 0 < duration <= max_seconds:
        raise InvalidAudio()
    return Audio(content_type=content_type, duration_s=round(float(duration), 2))


def _mp4_aac_duration(file: BinaryIO) -> float:
    """An MP4 whose audio is AAC (mutagen reads the first audio track); no video track."""
    info = MP4(file).info
    if not info.codec.startswith("mp4a"):
        raise InvalidAudio()
    return info.length


# --- WebM ------------------------------------------------------------------------------------------
# Matroska element ids (https://www.matroska.org/technical/elements.html). Browsers' MediaRecorder
# writes live WebM: no Duration in Info and Segment and Cluster of unknown size, so the length is
# the last block's time. Master elements we look into are read as if flat: their children follow.
EBML, DOC_TYPE = 0x1A45DFA3, 0x4282
SEGMENT, INFO, TIMECODE_SCALE, DURATION = 0x18538067, 0x1549A966, 0x2AD7B1, 0x4489
TRACKS, TRACK_ENTRY, TRACK_TYPE, CODEC_ID = 0x1654AE6B, 0xAE, 0x83, 0x86
CLUSTER, TIMECODE, SIMPLE_BLOCK, BLOCK_GROUP, BLOCK, BLOCK_DURATION = 0x1F43B675, 0xE7, 0xA3, 0xA0, 0xA1, 0x9B
_ENTERED = {SEGMENT, INFO, TRACKS, TRACK_ENTRY, CLUSTER, BLOCK_GROUP}
_MAX_ELEMENTS = 60_000  # 5 minutes of 10 ms Opus frames is 30,000 blocks, 20 ms ones 15,000
_UNKNOWN = -1


def _read(file: BinaryIO, n: int) -> bytes:
    data = file.read(n)
    if len(data) != n:
        raise EOFError
    return data


def _vint(file: BinaryIO, *, keep_marker: bool) -> int:
    """An EBML variable-length integer: an element id (marker kept) or a size (marker dropped;
    all value bits set means "unknown size")."""
    first = _read(file, 1)[0]
    length = 9 - first.bit_length()
    if length > 8:
        raise ValueError("invalid EBML length")
    rest = _read(file, length - 1)
    if keep_marker:
        return int.from_bytes(bytes([first]) + rest, "big")
    value = int.from_bytes(bytes([first & (0xFF >> length)]) + rest, "big")
    return _UNKNOWN if value == (1 << (7 * length)) - 1 else value


def _uint(data: bytes) -> int:
    return int.from_bytes(data, "big")


def webm_opus_duration(file: BinaryIO) -> float:
    """Seconds of a WebM file whose only track is Opus audio: the larger of Info's Duration and the
    time of its last block (plus that block's duration, or one 20 ms frame)."""
    file.seek(0, 2)
    end = file.tell()
    file.seek(0)
    if _vint(file, keep_marker=True) != EBML:
        raise ValueError("not EBML")
    header_end = _vint(file, keep_marker=False)
    if header_end == _UNKNOWN:
        raise ValueError("EBML header of unknown size")
    header_end += file.tell()
    doc_type = b""
    while file.tell() < header_end:
        element, size = _vint(file, keep_marker=True), _vint(file, keep_marker=False)
        if size == _UNKNOWN:
            raise ValueError("unknown size in the EBML header")
        data = _read(file, size)
        if element == DOC_TYPE:
            doc_type = data.rstrip(b"\0")
    if doc_type != b"webm":
        raise ValueError("not WebM")

    scale, declared, cluster_time, last_block, last_length = 1_000_000, 0.0, 0, 0, 0
    tracks: list[dict[str, object]] = []
    for _ in range(_MAX_ELEMENTS):
        if file.tell() >= end:
            break
        element, size = _vint(file, keep_marker=True), _vint(file, keep_marker=False)
        if element in _ENTERED:
            if element == TRACK_ENTRY:
                tracks.append({})
            continue
        if size == _UNKNOWN or file.tell() + size > end:
            raise ValueError("element past the end of the file")
        if element in (SIMPLE_BLOCK, BLOCK):
            start = file.tell()
            _vint(file, keep_marker=False)  # the track number
            (relative,) = struct.unpack(">h", _read(file, 2))
            last_block, last_length = max(last_block, cluster_time + relative), 0
            file.seek(start + size)
            continue
        data = _read(file, size)
        if element == TIMECODE_SCALE:
            scale = _uint(data)
        elif element == DURATION:
            declared = struct.unpack(">f" if size == 4 else ">d", data)[0]
        elif element == TIMECODE:
            cluster_time = _uint(data)
        elif element == BLOCK_DURATION:
            last_length = _uint(data)
        elif element in (TRACK_TYPE, CODEC_ID) and tracks:
            tracks[-1][element] = data
    else:
        raise ValueError("too many elements")
    if not tracks or any(t.get(TRACK_TYPE) != b"\x02" or t.get(CODEC_ID, b"").rstrip(b"\0") != b"A_OPUS"
                         for t in tracks):
        raise InvalidAudio()
    frame = last_length or 20_000_000 / scale  # one 20 ms Opus frame, in ticks
    return max(declared, last_block + frame) * scale / 1e9 if scale else 0.0
