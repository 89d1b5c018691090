"""Untrusted image uploads: decoded and re-encoded by Pillow, so no metadata or payload survives."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from chaat.errors import InvalidImage, TooLarge

ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    width: int
    height: int


def _open(upload, *, max_bytes: int) -> Image.Image:
    if upload.size > max_bytes:
        raise TooLarge()
    try:
        image = Image.open(upload)
        if image.format not in ACCEPTED_FORMATS:
            raise InvalidImage()
        if image.width * image.height > settings.IMAGE_MAX_PIXELS:
            raise InvalidImage()
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise InvalidImage() from exc
    return ImageOps.exif_transpose(image)


def _encode(image: Image.Image, *, max_side: int | None = None) -> CleanImage:
    if max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side))
    has_alpha = image.mode in {"RGBA", "LA", "P"}
    buffer = io.BytesIO()
    if has_alpha:
        image.convert("RGBA").save(buffer, format="PNG", optimize=True)
        ext = "png"
    else:
        image.convert("RGB").save(buffer, format="JPEG", quality=88)
        ext = "jpg"
    name = f"{secrets.token_urlsafe(18)}.{ext}"
    return CleanImage(ContentFile(buffer.getvalue(), name=name), image.width, image.height)


def clean_image(upload, *, max_bytes: int, max_side: int | None = None) -> CleanImage:
    """Validate `upload` and return it re-encoded (PNG if it has transparency, else JPEG) under a
    random name. Raises TooLarge (413) or InvalidImage (400)."""
    return _encode(_open(upload, max_bytes=max_bytes), max_side=max_side)


def clean_image_with_thumbnail(upload, *, max_bytes: int, thumb_side: int) -> tuple[CleanImage, CleanImage]:
    image = _open(upload, max_bytes=max_bytes)
    return _encode(image), _encode(image, max_side=thumb_side)
