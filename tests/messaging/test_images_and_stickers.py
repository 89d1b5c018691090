from __future__ import annotations

import io
import json
import struct
import uuid
import zlib

import pytest
from PIL import Image

from messaging.models import Message, Sticker
from tests.images import jpeg_with_exif, png_bytes, upload

pytestmark = pytest.mark.django_db



def send_image(client, chat, content, name="photo.png", text=""):
    body = {"kind": "image", "client_id": str(uuid.uuid4()), "image": upload(name, content), "text": text}
    return client.post(f"/api/v1/chats/{chat['id']}/messages", body)


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims these dimensions: a valid signature and IHDR, then a scrap of data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + b"\0" * 64)


def test_an_image_is_re_encoded_without_metadata_with_a_thumbnail(api, shahn, shivam, direct, anon):
    response = send_image(api(shahn), direct, jpeg_with_exif(), "photo.jpg", text=" a caption ")
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "image" and body["text"] == "a caption" and body["image_url"]
    stored = Message.objects.get(pk=body["id"])
    assert (stored.image_width, stored.image_height) == (80, 60)
    assert "photo" not in stored.image.name
    served = api(shivam).get(body["image_url"])
    assert served.status_code == 200
    assert not Image.open(io.BytesIO(b"".join(served.streaming_content))).getexif()
    thumb = api(shivam).get(body["image_url"] + "?size=thumb")
    assert thumb.status_code == 200
    assert anon.get(body["image_url"]).status_code == 401


def test_a_chat_image_is_404_to_non_members(api, shahn, udit, direct):
    body = send_image(api(shahn), direct, png_bytes()).json()
    assert api(udit).get(body["image_url"]).status_code == 404


def test_a_fake_image_is_400_invalid_image(api, shahn, direct):
    response = send_image(api(shahn), direct, b"<svg onload=alert(1)>", "x.png")
    assert response.status_code == 400 and response.json()["code"] == "invalid_image"
    assert not Message.objects.exists()


def test_another_format_is_400_invalid_image(api, shahn, direct):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="BMP")
    assert send_image(api(shahn), direct, buffer.getvalue(), "x.bmp").json()["code"] == "invalid_image"


@pytest.mark.parametrize("size", [(8000, 6000), (100_000, 100_000)])
def test_an_image_over_40_megapixels_or_a_decompression_bomb_is_400(api, shahn, direct, size):
    response = send_image(api(shahn), direct, png_header(*size))
    assert response.status_code == 400 and response.json()["code"] == "invalid_image"


def test_an_image_over_10_mib_is_413(api, shahn, direct, settings):
    big = png_bytes() + b"\0" * (10 * 1024 * 1024)
    response = send_image(api(shahn), direct, big)
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert not (settings.MEDIA_ROOT / "chat-images").exists() or not any((settings.MEDIA_ROOT / "chat-images").iterdir())


def test_an_image_message_needs_an_image(api, shahn, direct):
    body = {"kind": "image", "client_id": str(uuid.uuid4())}
    response = api(shahn).post(f"/api/v1/chats/{direct['id']}/messages", body)
    assert response.status_code == 400 and "image" in response.json()["fields"]


def test_a_json_body_over_8_mib_is_413(api, shahn, direct):
    body = json.dumps({"kind": "text", "text": "x" * (9 * 1024 * 1024), "client_id": str(uuid.uuid4())})
    response = api(shahn).post(f"/api/v1/chats/{direct['id']}/messages", body, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_a_form_body_over_8_mib_is_413(api, shahn, direct):
    body = {"kind": "text", "text": "x" * (9 * 1024 * 1024), "client_id": str(uuid.uuid4()),
            "image": upload("a.png", png_bytes())}
    response = api(shahn).post(f"/api/v1/chats/{direct['id']}/messages", body)
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_the_built_in_pack_has_at_least_12_stickers_with_images(api, shahn, anon):
    response = api(shahn).get("/api/v1/stickers")
    assert response.status_code == 200
    stickers = response.json()["results"]
    assert len(stickers) >= 12 and {s["pack"] for s in stickers} == {"chaat"}
    image = api(shahn).get(stickers[0]["image_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(image.streaming_content))).size == (256, 256)
    assert anon.get(stickers[0]["image_url"]).status_code == 401
    assert anon.get("/api/v1/stickers").status_code == 401


def test_every_sticker_row_has_its_png():
    from messaging.media import STICKER_DIR

    assert Sticker.objects.count() >= 12
    for sticker in Sticker.objects.all():
        assert (STICKER_DIR / f"{sticker.id}.png").is_file()


def test_a_sticker_message_carries_the_sticker(api, shahn, direct):
    body = {"kind": "sticker", "sticker": "chaat-heart", "client_id": str(uuid.uuid4())}
    response = api(shahn).post(f"/api/v1/chats/{direct['id']}/messages", body, format="json")
    assert response.status_code == 201 and response.json()["sticker"]["id"] == "chaat-heart"
    body = {"kind": "sticker", "sticker": "nope", "client_id": str(uuid.uuid4())}
    response = api(shahn).post(f"/api/v1/chats/{direct['id']}/messages", body, format="json")
    assert response.status_code == 400 and "sticker" in response.json()["fields"]


def test_any_chat_call_with_a_body_over_8_mib_is_413(api, shahn, direct):
    body = json.dumps({"name": "x" * (9 * 1024 * 1024)})
    response = api(shahn).patch(f"/api/v1/chats/{direct['id']}", body, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "too_large"
