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


# EXIF orientation → the transposition that shows the image upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _open(upload, *, max_bytes: int, max_side: int) -> Image.Image:
    """The upload decoded, upright, and at most `max_side` on its longer side. A 40-megapixel
    file costs one decoded frame at most: a JPEG is decoded straight at a smaller scale (`draft`)
    when it is to be shrunk anyway, an image is shrunk before it is turned, and the decoded
    original is let go before the turned copy is made (tests/hardening/test_images.py measures
    the peak memory of the costliest files)."""
    if upload.size > max_bytes:
        raise TooLarge()
    try:
        # Only these decoders ever see the bytes: an SVG, HTML or any other format Pillow knows
        # is refused before a parser runs, whatever the file's name or Content-Type claims.
        image = Image.open(upload, formats=ACCEPTED_FORMATS)
        # The header's size decides before any pixel is decoded: a few bytes may declare
        # gigapixels, and a small compressed stream may inflate to the limit.
        if image.width * image.height > settings.IMAGE_MAX_PIXELS:
            raise InvalidImage()
        turn = _UPRIGHT.get(image.getexif().get(0x0112))
        if image.format == "JPEG":
            image.draft(image.mode, (max_side, max_side))  # libjpeg scales by 1/2, 1/4, 1/8 as it decodes
        # Only the first frame is decoded and stored: an animation of thousands of frames
        # costs what its first frame costs.
        image.load()
        # One step at a time, each result replacing the image it came from, so that no two
        # large copies are alive at once.
        image = _reduce(image, max_side)
        image = _shrink(image, max_side)
        if turn is not None:
            image = image.transpose(turn)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError,
            EOFError, struct.error, IndexError, KeyError) as exc:
        # Every way Pillow's decoders report a broken or hostile file (not all are OSError).
        raise InvalidImage() from exc
    return image


def _reduce(image: Image.Image, side: int) -> Image.Image:
    """A first, cheap step down towards side x side, making no copy the size of `image`: a box
    reduction by a whole factor for RGB and grey images; for others, whose smoothing filters
    first make a premultiplied or converted full-size copy (160 MB more at 40 megapixels),
    nearest-neighbour sampling straight to the final size. The caller lets `image` go before
    smoothing what comes back (`_shrink`)."""
    factor = max(image.size) // side
    if factor < 2:
        return image
    if image.mode in ("RGB", "L"):
        return image.reduce(factor)
    return ImageOps.contain(image, (side, side), method=Image.Resampling.NEAREST)


def _shrink(image: Image.Image, side: int) -> Image.Image:
    """`image` scaled to fit side x side (itself when it fits)."""
    if max(image.size) <= side:
        return image
    return ImageOps.contain(_reduce(image, side), (side, side))


def _encode(image: Image.Image, *, max_side: int | None = None) -> CleanImage:
    if max_side:
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
    return _encode(_open(upload, max_bytes=max_bytes, max_side=max_side or settings.IMAGE_MAX_SIDE))


def clean_image_with_thumbnail(upload, *, max_bytes: int, thumb_side: int) -> tuple[CleanImage, CleanImage]:
    """The image (at most IMAGE_MAX_SIDE on its longer side) and its thumbnail, both re-encoded."""
    image = _open(upload, max_bytes=max_bytes, max_side=settings.IMAGE_MAX_SIDE)
    return _encode(image), _encode(image, max_side=thumb_side)
