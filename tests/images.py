"""Real image files made with Pillow, for upload tests."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_bytes(size: tuple[int, int] = (64, 48), color: str = "#5b5bd6") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (80, 60), "orange")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (48.0, 8.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def encoded(image: Image.Image, file_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=file_format, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int, idat: bytes = b"", mode: int = 2) -> bytes:
    """A PNG whose header claims `width`x`height` (colour type `mode`: 2 RGB, 6 RGBA) with
    `idat` as its only image data: a pixel flood when idat is empty, a zlib bomb when it is a
    small stream that inflates to every row."""
    header = struct.pack(">IIBBBBB", width, height, 8, mode, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def png_zlib_bomb(width: int, height: int, *, alpha: bool = False) -> bytes:
    """A valid PNG of `width`x`height` black pixels: some hundred kilobytes that decode to
    widthxheightx(3 or 4) bytes."""
    row = b"\0" * (width * (4 if alpha else 3) + 1)  # filter byte + pixels
    stream = zlib.compressobj(9)
    idat = b"".join(stream.compress(row) for _ in range(height)) + stream.flush()
    return png_declaring(width, height, idat, mode=6 if alpha else 2)


def animation(file_format: str, frames: int, size: tuple[int, int] = (64, 64)) -> bytes:
    """An animated GIF, PNG (APNG) or WebP of `frames` frames, each a different colour."""
    first = Image.new("RGB", size, (0, 0, 90))
    rest = (Image.new("RGB", size, (i % 256, (i // 256) % 256, 90)) for i in range(1, frames))
    return encoded(first, file_format, save_all=True, append_images=rest)  # one frame in memory at a time


def gif_frames(width: int, height: int, frames: int) -> bytes:
    """A GIF with a `width`x`height` screen and `frames` frames of one pixel each (23 bytes a
    frame): a decoder that renders every frame onto the screen does width*height work per frame."""
    screen = b"GIF89a" + width.to_bytes(2, "little") + height.to_bytes(2, "little") + b"\x80\0\0"
    palette = b"\0\0\0\xff\xff\xff"
    frame = (b"\x21\xf9\x04\x00\x01\x00\x00\x00"  # graphic control: 10 ms a frame
             + b"," + bytes(4) + b"\x01\x00\x01\x00\x00"  # a 1x1 frame at 0,0
             + b"\x02\x02\x44\x01\x00")  # its LZW data: clear, pixel 0, end
    return screen + palette + frame * frames + b";"
