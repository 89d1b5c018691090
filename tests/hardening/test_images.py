"""Hostile uploads (I7-I9): files that lie about their type, decompression and pixel bombs,
broken files, animations of thousands of frames, odd multipart requests. Each is refused with
400 `invalid_image` (413 `too_large` over the byte limit) leaving no row and no file, or stored
re-encoded: only the pixels of its first frame survive, never the uploaded bytes. The files are
generated here with Pillow; nothing is downloaded."""

from __future__ import annotations

import io
import json
import os
import random
import re
import subprocess
import sys
import time
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from accounts.models import User
from messaging.models import Message
from tests.factories import direct_chat
from tests.images import (
    animation,
    encoded,
    gif_frames,
    jpeg_with_exif,
    png_bytes,
    png_chunk,
    png_declaring,
    png_zlib_bomb,
    upload,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ANSWER_WITHIN = 1.0  # seconds, for any hostile file (catalog figure 5)
RSS_BUDGET_MIB = 200
RANDOM_NAME = re.compile(r"[A-Za-z0-9_-]{24}\.(jpg|png)")  # peak memory one upload may add, even at the pixel limit


def noise(size=(200, 200)) -> Image.Image:
    """Pixels that do not compress, so a truncated file misses real image data."""
    return Image.effect_noise(size, 64).convert("RGB")


def with_byte_flipped(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


def jpeg_declaring(width: int, height: int) -> bytes:
    data = encoded(Image.new("RGB", (8, 8)), "JPEG")
    sof = data.index(b"\xff\xc0") + 5  # after marker, length and precision: height, width
    return data[:sof] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + data[sof + 4:]


def png_with_text_bomb() -> bytes:
    """A real PNG with a zTXt chunk that inflates to 64 MiB before the image data."""
    real = png_bytes()
    bomb = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"\0" * (64 << 20), 9))
    return real[:33] + bomb + real[33:]  # after the signature and IHDR


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "<script>alert(1)</script>")
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
PNG_OF_NOISE = encoded(noise(), "PNG")
JPEG_OF_NOISE = encoded(noise(), "JPEG", quality=95)

# name: (content, file name, Content-Type): each must be 400 invalid_image.
REFUSED = {
    "SVG": (SVG, "x.svg", "image/svg+xml"),
    "SVG named PNG": (SVG, "x.png", "image/png"),
    "HTML behind a PNG signature": (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "x.png", "image/png"),
    "text named JPEG": (b"just some text", "x.jpg", "image/jpeg"),
    "BMP": (encoded(Image.new("RGB", (10, 10)), "BMP"), "x.bmp", "image/bmp"),
    "TIFF named PNG": (encoded(Image.new("RGB", (10, 10)), "TIFF"), "x.png", "image/png"),
    "ICO": (encoded(Image.new("RGB", (16, 16)), "ICO"), "x.ico", "image/x-icon"),
    "EPS named JPEG (Ghostscript is never run)": (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "x.jpg",
                                                  "image/jpeg"),
    "PNG declaring 50000x50000": (png_declaring(50_000, 50_000), "x.png", "image/png"),
    "PNG declaring 100000x100000": (png_declaring(100_000, 100_000), "x.png", "image/png"),
    "PNG one row over 40 megapixels": (png_declaring(8000, 5001), "x.png", "image/png"),
    "PNG zlib bomb of 49 megapixels": (png_zlib_bomb(7000, 7000), "x.png", "image/png"),
    "PNG with a 64 MiB text chunk": (png_with_text_bomb(), "x.png", "image/png"),
    "JPEG declaring 65000x65000": (jpeg_declaring(65_000, 65_000), "x.jpg", "image/jpeg"),
    "GIF declaring 65535x65535": (gif_frames(65_535, 65_535, 1), "x.gif", "image/gif"),
    "truncated PNG": (PNG_OF_NOISE[: len(PNG_OF_NOISE) // 2], "x.png", "image/png"),
    "truncated JPEG": (JPEG_OF_NOISE[: len(JPEG_OF_NOISE) // 2], "x.jpg", "image/jpeg"),
    "truncated GIF": (encoded(noise(), "GIF")[:2000], "x.gif", "image/gif"),
    "truncated WebP": (encoded(noise(), "WEBP")[:300], "x.webp", "image/webp"),
    "PNG with a corrupt checksum": (with_byte_flipped(PNG_OF_NOISE, len(PNG_OF_NOISE) // 2), "x.png", "image/png"),
}

# name: (content, file name, Content-Type): stored, re-encoded, one frame, nothing else kept.
STORED = {
    "JPEG+ZIP polyglot": (encoded(noise(), "JPEG") + zip_archive(), "x.jpg", "image/jpeg"),
    "PNG with HTML after its end": (png_bytes() + b"<html><script>alert(1)</script></html>", "x.png", "image/png"),
    "PNG named GIF and sent as image/gif": (png_bytes(), "x.gif", "image/gif"),
    "GIF of 5,000 frames": (gif_frames(64, 64, 5000), "x.gif", "image/gif"),
    "APNG of 1,000 frames": (animation("PNG", 1000, (16, 16)), "x.png", "image/png"),
    "animated WebP of 500 frames": (animation("WEBP", 500, (16, 16)), "x.webp", "image/webp"),
}


@pytest.fixture
def chat(shahn, shivam):
    return direct_chat(shahn, shivam)


def stored_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def send_image(client, chat, content: bytes, name: str, content_type: str):
    body = {"kind": "image", "client_id": str(uuid.uuid4()), "image": upload(name, content, content_type)}
    return client.post(f"/api/v1/chats/{chat.id}/messages", body)


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.parametrize("case", REFUSED)
def test_a_hostile_chat_image_is_400_invalid_image_at_once_and_leaves_nothing(api, shahn, chat, case):
    content, name, content_type = REFUSED[case]
    response, seconds = timed(lambda: send_image(api(shahn), chat, content, name, content_type))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_image"
    assert seconds < ANSWER_WITHIN, f"{case} took {seconds:.2f} s"
    assert not Message.objects.filter(kind=Message.Kind.IMAGE).exists()
    assert stored_files() == []


@pytest.mark.parametrize("case", REFUSED)
def test_a_hostile_avatar_is_400_invalid_image_at_once_and_leaves_nothing(api, shahn, case):
    content, name, content_type = REFUSED[case]
    response, seconds = timed(lambda: api(shahn).post("/api/v1/me/avatar",
                                                      {"avatar": upload(name, content, content_type)}))
    assert response.status_code == 400 and response.json()["code"] == "invalid_image", response.content
    assert seconds < ANSWER_WITHIN, f"{case} took {seconds:.2f} s"
    assert not User.objects.get(pk=shahn.pk).avatar
    assert stored_files() == []


def test_an_empty_file_is_400_naming_the_field(api, shahn, chat):
    response = send_image(api(shahn), chat, b"", "x.png", "image/png")
    assert response.status_code == 400 and "image" in response.json()["fields"]
    response = api(shahn).post("/api/v1/me/avatar", {"avatar": upload("x.png", b"")})
    assert response.status_code == 400 and "avatar" in response.json()["fields"]
    assert stored_files() == []


@pytest.mark.parametrize("case", STORED)
def test_a_disguised_or_animated_image_is_stored_re_encoded_as_one_still_frame(api, shahn, shivam, chat, case):
    content, name, content_type = STORED[case]
    response, seconds = timed(lambda: send_image(api(shahn), chat, content, name, content_type))
    assert response.status_code == 201, response.content
    assert seconds < ANSWER_WITHIN, f"{case} took {seconds:.2f} s"
    served = api(shivam).get(response.json()["image_url"])
    data = b"".join(served.streaming_content)
    assert data != content
    image = Image.open(io.BytesIO(data))
    assert image.format in {"PNG", "JPEG"} and served["Content-Type"] == f"image/{image.format.lower()}"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert getattr(image, "n_frames", 1) == 1 and not image.getexif()
    end = b"\xff\xd9" if image.format == "JPEG" else b"IEND\xaeB`\x82"
    assert data.endswith(end), "bytes after the image's end survived"
    for leftover in (b"PK\x03\x04", b"<script", b"<html"):
        assert leftover not in data
    assert len(stored_files()) == 2  # the image and its thumbnail
    assert all(RANDOM_NAME.fullmatch(path.name) for path in stored_files())


@pytest.mark.parametrize("name", ["../../etc/passwd.png", "a\0b.png", "..\\..\\x.png", "%2e%2e%2fx.png"])
def test_the_uploaded_file_name_never_reaches_the_disk(api, shahn, chat, name):
    response = send_image(api(shahn), chat, png_bytes(), name, "image/png")
    assert response.status_code == 201, response.content
    files = stored_files()
    assert len(files) == 2
    media = Path(settings.MEDIA_ROOT).resolve()
    for path in files:
        assert path.resolve().is_relative_to(media)
        assert RANDOM_NAME.fullmatch(path.name)


def mutations(data: bytes, rng: random.Random) -> bytes:
    """`data` with 1-8 random bytes changed, a random tail cut off or random bytes inserted."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if len(out) < 2:
            break
        position, roll = rng.randrange(len(out)), rng.random()
        if roll < 0.6:
            out[position] = rng.randrange(256)
        elif roll < 0.8:
            del out[position:]
        else:
            out[position:position] = rng.randbytes(rng.randint(1, 16))
    return bytes(out)


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the corrupt EXIF it skips
def test_thousands_of_corrupted_images_are_each_stored_or_refused_never_an_error():
    """Found: a corrupt APNG chunk raised SyntaxError, a 500, before every decoder error was caught."""
    from accounts.images import clean_image
    from chaat.errors import InvalidImage

    rng = random.Random(7)  # the seed is fixed: a failure names the case to replay
    originals = {"PNG": PNG_OF_NOISE, "JPEG": JPEG_OF_NOISE, "JPEG with EXIF": jpeg_with_exif(),
                 "GIF": encoded(noise(), "GIF"), "WebP": encoded(noise(), "WEBP"),
                 "RGBA PNG": encoded(noise().convert("RGBA"), "PNG"), "APNG": animation("PNG", 3),
                 "animated GIF": animation("GIF", 3), "animated WebP": animation("WEBP", 3)}
    outcomes = {"stored": 0, "refused": 0}
    for kind, original in originals.items():
        for trial in range(300):
            content = mutations(original, rng)
            try:
                clean_image(upload("x", content), max_bytes=settings.IMAGE_MAX_BYTES)
                outcomes["stored"] += 1
            except InvalidImage:
                outcomes["refused"] += 1
            except Exception as exc:
                pytest.fail(f"{kind} trial {trial}: {exc!r}")
    print(f"\n{sum(outcomes.values())} corrupted images: {outcomes}")


def multipart(fields: int = 0, files: int = 0) -> tuple[bytes, str]:
    boundary = "chaatboundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nx\r\n' for i in range(fields)]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{i}.png"\r\n'
              f"Content-Type: image/png\r\n\r\nx\r\n" for i in range(files)]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(("fields", "files"), [(10_000, 0), (0, 1000)])
def test_a_multipart_request_with_thousands_of_parts_is_400(api, shahn, chat, fields, files):
    body, content_type = multipart(fields, files)
    response = api(shahn).generic("POST", f"/api/v1/chats/{chat.id}/messages", body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not Message.objects.exists() and stored_files() == []


def jpeg_turned(width: int, height: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90° to show
    return encoded(Image.new("RGB", (width, height), "orange"), "JPEG", exif=exif)


# The worst a single upload can make the server do: refused files cost nothing, and a file at
# the pixel limit (a zlib bomb: ~150 KB that inflate to 40 megapixels) costs one decoded frame.
COSTLY = [  # (build, outcome): built by each test, not at import, as some take a second
    pytest.param(lambda: png_declaring(100_000, 100_000), "invalid_image", id="PNG declaring 100000x100000"),
    pytest.param(lambda: png_zlib_bomb(7000, 7000), "invalid_image", id="PNG zlib bomb of 49 megapixels"),
    pytest.param(lambda: png_zlib_bomb(6300, 6300), "stored", id="PNG zlib bomb at the limit (39.7 MP, RGB)"),
    pytest.param(lambda: png_zlib_bomb(6300, 6300, alpha=True), "stored",
                 id="PNG zlib bomb at the limit (39.7 MP, RGBA)"),
    pytest.param(lambda: gif_frames(6300, 6300, 100_000), "stored", id="GIF of 100,000 frames on a 39.7 MP screen"),
    pytest.param(lambda: jpeg_turned(6300, 6300), "stored", id="JPEG at the limit (39.7 MP) turned by its EXIF"),
]


@pytest.mark.parametrize(("build", "outcome"), COSTLY)
def test_the_costliest_uploads_stay_within_the_memory_and_time_budget(request, tmp_path, build, outcome):
    case = request.node.callspec.id
    content = build()
    path = tmp_path / "upload"
    path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "tests.hardening.image_cost", str(path)], cwd=ROOT, capture_output=True,
        text=True, timeout=60, check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)},
    )
    cost = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"\n{case}: {len(content):,} bytes → {cost['outcome']} in {cost['seconds']:.2f} s, "
          f"peak RSS +{cost['rss_mib']:.0f} MiB")
    assert cost["outcome"] == outcome
    assert cost["rss_mib"] < RSS_BUDGET_MIB
    # Refused files are refused before decoding; a file at the limit is decoded once.
    assert cost["seconds"] < (ANSWER_WITHIN if outcome != "stored" else 5.0)
