"""Untrusted image uploads: decoded and re-encoded by Pillow, so no metadata or payload survives."""

from __future__ import annotations

import io
import secrets
import struct
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from chaat.errors import InvalidImage, TooLarge

ACCEPTED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    width: int
    height: int


def _open(upload, *, max_bytes: int) -> Image.Image:
    if upload.size > max_bytes:
        raise TooLarge()
    try:
        # Only these decoders ever see the bytes: an SVG, HTML or any other format Pillow knows
        # is refused before a parser runs, whatever the file's name or Content-Type claims.
        image = Image.open(upload, formats=ACCEPTED_FORMATS)
        # The header's size decides before any pixel is decoded: a few bytes may declare
        # gigapixels, and a small compressed stream may inflate to the limit (tests/hardening/
        # test_images.py measures the time and memory that costs at most).
        if image.width * image.height > settings.IMAGE_MAX_PIXELS:
            raise InvalidImage()
        # Only the first frame is decoded and stored: an animation of thousands of frames
        # costs what its first frame costs.
        image.load()
        # In place: a copy of a 40-megapixel image would double the memory an upload takes.
        ImageOps.exif_transpose(image, in_place=True)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError,
            EOFError, struct.error, IndexError, KeyError) as exc:
        # Every way Pillow's decoders report a broken or hostile file (not all are OSError).
        raise InvalidImage() from exc
    return image


def _shrink(image: Image.Image, side: int) -> Image.Image:
    """`image` scaled to fit side x side. Pillow's smoothing filters first make a premultiplied
    copy of an RGBA image (160 MB more at 40 megapixels); sampling down to 4x the size first
    (NEAREST makes no such copy) leaves them a small image to smooth."""
    if max(image.size) > 4 * side:
        image = ImageOps.contain(image, (4 * side, 4 * side), method=Image.Resampling.NEAREST)
    return ImageOps.contain(image, (side, side))


def _encode(image: Image.Image, *, max_side: int | None = None) -> CleanImage:
    if max_side and max(image.size) > max_side:
        image = _shrink(image, max_side)
    has_alpha = image.mode in {"RGBA", "LA", "P", "PA"}
    mode, file_format, ext = ("RGBA", "PNG", "png") if has_alpha else ("RGB", "JPEG", "jpg")
    if image.mode != mode:
        image = image.convert(mode)
    buffer = io.BytesIO()
    if file_format == "PNG":
        image.save(buffer, format="PNG", optimize=True)
    else:
        image.save(buffer, format="JPEG", quality=88)
    name = f"{secrets.token_urlsafe(18)}.{ext}"
    return CleanImage(ContentFile(buffer.getvalue(), name=name), image.width, image.height)


def clean_image(upload, *, max_bytes: int, max_side: int | None = None) -> CleanImage:
    """Validate `upload` and return it re-encoded (PNG if it has transparency, else JPEG) under a
    random name. Raises TooLarge (413) or InvalidImage (400)."""
    return _encode(_open(upload, max_bytes=max_bytes), max_side=max_side)


def clean_image_with_thumbnail(upload, *, max_bytes: int, thumb_side: int) -> tuple[CleanImage, CleanImage]:
    image = _open(upload, max_bytes=max_bytes)
    return _encode(image), _encode(image, max_side=thumb_side)
