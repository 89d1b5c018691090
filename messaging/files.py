"""Files and voice messages: stored under random names through Django's storage API (the local
disk, or object storage: docs/DEPLOY.md), with the original name cleaned, the size, the type read
from the bytes and, for voice, the length. Served by messaging.media to the chat's members only."""

from __future__ import annotations

import mimetypes
import posixpath
import unicodedata
import uuid
from typing import Any

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from chaat.errors import Invalid, TooLarge
from messaging.audio import SNIFF_BYTES, inspect_audio
from messaging.models import Message

NAME_MAX_LENGTH = 255
# Types a browser may be told as they are: they cannot run script in our origin. Everything else
# (HTML, SVG, XML, JavaScript, unknown bytes) is served as application/octet-stream.
SAFE_CONTENT_TYPES = frozenset({
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/heic", "image/bmp",
    "audio/ogg", "audio/webm", "audio/mp4", "audio/mpeg", "audio/aac", "audio/flac", "audio/x-wav",
    "audio/wav", "application/pdf",
})


def clean_file_name(raw: str) -> str:
    """The name as a person reads it: no folders, no control or invisible formatting characters
    (CR, LF, NUL, bidirectional overrides), at most 255 characters with the extension kept."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/")
    name = posixpath.basename(name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name.strip(".") == "":
        name = _("file")
    if len(name) > NAME_MAX_LENGTH:
        stem, ext = posixpath.splitext(name)
        name = stem[: NAME_MAX_LENGTH - len(ext)] + ext if len(ext) <= 16 else name[:NAME_MAX_LENGTH]
    return name


def sniff_content_type(upload: Any, name: str) -> str:
    """The type the bytes say (`filetype`); else the name's, unless the name claims a type a
    browser would render (the bytes would have shown it): then application/octet-stream."""
    upload.seek(0)
    kind = filetype.guess(upload.read(SNIFF_BYTES))
    upload.seek(0)
    if kind is not None:
        return kind.mime
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return "application/octet-stream" if guessed in SAFE_CONTENT_TYPES else guessed


def served_content_type(stored: str) -> str:
    return stored if stored in SAFE_CONTENT_TYPES else "application/octet-stream"


def attach_file(message: Message, upload: Any) -> None:
    """Check and store `upload` as the message's file (kind file or voice). The file is written
    now: the caller erases it if the message is not saved. Raises Invalid (no file), TooLarge
    (413: over FILE_MAX_BYTES, or VOICE_MAX_BYTES for voice) or InvalidAudio (voice that is not
    Ogg/Opus, WebM/Opus, MP4/AAC or MP3, or longer than VOICE_MAX_SECONDS)."""
    if upload is None or not hasattr(upload, "read"):
        raise Invalid(fields={"file": [_("Choose a file to send.")]})
    voice = message.kind == Message.Kind.VOICE
    limit = settings.VOICE_MAX_BYTES if voice else settings.FILE_MAX_BYTES
    if upload.size > limit:
        raise TooLarge(_("The file is larger than %(mib)d MiB.") % {"mib": limit // (1024 * 1024)})
    name = clean_file_name(upload.name)
    if voice:
        audio = inspect_audio(upload, max_seconds=settings.VOICE_MAX_SECONDS)
        message.file_content_type, message.file_duration_s = audio.content_type, audio.duration_s
    else:
        message.file_content_type, message.file_duration_s = sniff_content_type(upload, name), None
    message.file_name, message.file_size = name, upload.size
    # A random name: nothing of the sender's choosing reaches the storage's paths.
    message.file.save(uuid.uuid4().hex, upload, save=False)
