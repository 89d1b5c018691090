"""Files and voice messages (contract v1.1): sending, the message's `file`, serving, erasing."""

from __future__ import annotations

import contextlib
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.files import clean_file_name
from messaging.models import Message
from messaging.services.chats import purge_chats
from tests.audio import FORMATS, audio

pytestmark = pytest.mark.django_db



def send_file(client, chat, content, name="notes.txt", kind="file", content_type="text/plain", **extra):
    body = {"kind": kind, "client_id": str(uuid.uuid4()),
            "file": SimpleUploadedFile(name, content, content_type=content_type), **extra}
    return client.post(f"/api/v1/chats/{chat['id']}/messages", body)


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def stored_files(settings) -> list:
    folder = settings.MEDIA_ROOT / "chat-files"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_file_is_stored_under_a_random_name_with_its_name_size_and_caption(api, shahn, shivam, direct, settings):
    response = send_file(api(shahn), direct, b"%PDF-1.4\n" + b"x" * 500, "Report 2026.pdf",
                         content_type="text/html", text=" the report ")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "file" and body["text"] == "the report" and body["image_url"] is None
    assert body["file"] == {"url": f"/media/chats/{direct['id']}/{body['id']}/file", "name": "Report 2026.pdf",
                            "size": 509, "content_type": "application/pdf", "duration_s": None}
    (stored,) = stored_files(settings)
    assert "Report" not in stored.name and len(stored.name) == 32
    served = api(shivam).get(body["file"]["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"] == 'attachment; filename="Report 2026.pdf"'
    assert served["X-Content-Type-Options"] == "nosniff"
    assert body_of(served) == b"%PDF-1.4\n" + b"x" * 500


def test_an_html_file_is_served_as_an_attachment_of_octet_stream_with_nosniff(api, shahn, shivam, direct):
    page = b"<!doctype html><script>alert(document.cookie)</script>"
    body = send_file(api(shahn), direct, page, "page.html", content_type="text/html").json()
    assert body["file"]["content_type"] == "text/html"
    served = api(shivam).get(body["file"]["url"])
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["x.svg", "x.js", "x.xml"])
def test_svg_scripts_and_xml_never_keep_their_type(api, shahn, direct, name):
    body = send_file(api(shahn), direct, b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", name).json()
    assert api(shahn).get(body["file"]["url"])["Content-Type"] == "application/octet-stream"


def test_a_name_claiming_an_image_whose_bytes_are_not_one_is_octet_stream(api, shahn, direct):
    body = send_file(api(shahn), direct, b"<html>hi</html>", "cat.png", content_type="image/png").json()
    assert body["file"]["content_type"] == "application/octet-stream"


def test_a_name_with_folders_and_crlf_is_cleaned(api, shahn, direct):
    body = send_file(api(shahn), direct, b"data", "../../etc/passwd").json()
    assert body["file"]["name"] == "passwd"
    assert clean_file_name("..\\..\\evil\r\nSet-Cookie: a=b.txt") == "evilSet-Cookie: a=b.txt"
    assert clean_file_name("report\u202etxt.exe") == "reporttxt.exe"  # no bidirectional override
    assert clean_file_name("../..") == "file" and clean_file_name("\0") == "file"
    long = clean_file_name("a" * 300 + ".tar.gz")
    assert len(long) == 255 and long.endswith("a.gz")


def test_a_non_ascii_name_is_encoded_per_rfc_6266(api, shahn, direct):
    body = send_file(api(shahn), direct, b"data", 'Prüfung "final".txt').json()
    served = api(shahn).get(body["file"]["url"])
    assert served["Content-Disposition"] == "attachment; filename*=utf-8''Pr%C3%BCfung%20%22final%22.txt"


def test_a_file_over_25_mib_is_413_and_leaves_nothing(api, shahn, direct, settings):
    response = send_file(api(shahn), direct, b"\0" * (25 * 1024 * 1024 + 1), "big.bin")
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert not Message.objects.filter(kind="file").exists() and stored_files(settings) == []


def test_a_body_over_the_raised_limit_is_413_before_parsing(api, shahn, direct):
    client = api(shahn)
    response = client.generic("POST", f"/api/v1/chats/{direct['id']}/messages", b"",
                              content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=str(34 * 1024 * 1024))
    assert response.status_code == 413


def test_a_file_without_a_file_is_400(api, shahn, direct):
    response = api(shahn).post(f"/api/v1/chats/{direct['id']}/messages",
                               {"kind": "file", "client_id": str(uuid.uuid4())}, format="json")
    assert response.status_code == 400 and "file" in response.json()["fields"]


def test_files_are_404_to_outsiders_and_401_without_credentials(api, shahn, udit, direct, anon):
    body = send_file(api(shahn), direct, b"secret").json()
    assert api(udit).get(body["file"]["url"]).status_code == 404
    assert anon.get(body["file"]["url"]).status_code == 401


def test_a_member_who_returned_does_not_get_files_from_before(api, shahn, shivam, direct):
    body = send_file(api(shahn), direct, b"old").json()
    assert api(shivam).delete(f"/api/v1/chats/{direct['id']}").status_code == 204
    api(shahn).post(f"/api/v1/chats/{direct['id']}/messages",
                    {"kind": "text", "text": "back?", "client_id": str(uuid.uuid4())}, format="json")
    assert api(shivam).get(body["file"]["url"]).status_code == 404


@pytest.mark.parametrize("extension", list(FORMATS))
def test_each_accepted_audio_format_is_a_voice_message_with_its_duration(api, shahn, shivam, direct, extension):
    response = send_file(api(shahn), direct, audio(extension, 2.5), f"memo.{extension}", kind="voice",
                         content_type="application/octet-stream")
    assert response.status_code == 201, response.content
    voice = response.json()["file"]
    assert voice["content_type"] == FORMATS[extension][1]
    assert 2.4 <= voice["duration_s"] <= 2.7
    served = api(shivam).get(voice["url"])
    assert served["Content-Type"] == FORMATS[extension][1]
    assert served["Content-Disposition"] == f'inline; filename="memo.{extension}"'
    assert body_of(served) == audio(extension, 2.5)


@pytest.mark.parametrize("content", [b"ID3" + b"\0" * 2000, b"OggS" + b"\0" * 200, b"just some text",
                                     b"%PDF-1.4 not audio", b"\x1a\x45\xdf\xa3\x84webm"])
def test_a_fake_audio_file_is_400_invalid_audio(api, shahn, direct, content, settings):
    response = send_file(api(shahn), direct, content, "memo.ogg", kind="voice", content_type="audio/ogg")
    assert response.status_code == 400 and response.json()["code"] == "invalid_audio"
    assert stored_files(settings) == []


def test_a_webm_with_video_is_not_a_voice_message(api, shahn, direct):
    from tests.audio import need_ffmpeg

    need_ffmpeg()
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "v.webm"
        subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=red:s=16x16:d=1",
                        "-c:v", "libvpx", str(out)], check=True, timeout=60)
        content = out.read_bytes()
    response = send_file(api(shahn), direct, content, "memo.webm", kind="voice")
    assert response.json()["code"] == "invalid_audio"


def test_a_six_minute_voice_message_is_400_invalid_audio(api, shahn, direct):
    # One format only: encoding six minutes takes ffmpeg seconds; every format's length is read above.
    response = send_file(api(shahn), direct, audio("ogg", 360), "long.ogg", kind="voice")
    assert response.status_code == 400 and response.json()["code"] == "invalid_audio"


def test_voice_over_10_mib_is_413(api, shahn, direct):
    response = send_file(api(shahn), direct, audio("ogg") + b"\0" * (10 * 1024 * 1024), "memo.ogg", kind="voice")
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_byte_ranges_are_206_with_content_range(api, shahn, shivam, direct):
    content = audio("ogg", 2.5)
    url = send_file(api(shahn), direct, content, "memo.ogg", kind="voice").json()["file"]["url"]
    client, size = api(shivam), len(content)
    part = client.get(url, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 10-19/{size}"
    assert part["Content-Length"] == "10" and body_of(part) == content[10:20]
    tail = client.get(url, HTTP_RANGE="bytes=-5")
    assert tail.status_code == 206 and body_of(tail) == content[-5:]
    rest = client.get(url, HTTP_RANGE=f"bytes={size - 3}-")
    assert body_of(rest) == content[-3:] and rest["Content-Range"] == f"bytes {size - 3}-{size - 1}/{size}"
    clipped = client.get(url, HTTP_RANGE=f"bytes=0-{size * 2}")
    assert clipped.status_code == 206 and body_of(clipped) == content
    beyond = client.get(url, HTTP_RANGE=f"bytes={size}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{size}"
    for ignored in ("bytes=0-1,5-6", "items=0-1", "bytes=x-y"):
        whole = client.get(url, HTTP_RANGE=ignored)
        assert whole.status_code == 200 and body_of(whole) == content
    assert whole["Accept-Ranges"] == "bytes"


def test_deleting_the_message_erases_the_file(api, shahn, shivam, direct, settings, django_capture_on_commit_callbacks):
    body = send_file(api(shahn), direct, b"to be erased").json()
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = api(shahn).delete(f"/api/v1/chats/{direct['id']}/messages/{body['id']}")
    assert response.status_code == 204
    assert stored_files(settings) == []
    stored = Message.objects.get(pk=body["id"])
    assert (stored.file.name, stored.file_name, stored.file_size) == ("", "", None)
    history = api(shivam).get(f"/api/v1/chats/{direct['id']}/messages").json()["results"]
    assert history[-1]["deleted"] and history[-1]["file"] is None
    assert api(shivam).get(body["file"]["url"]).status_code == 404


def test_purging_or_leaving_the_chat_erases_its_files(api, shahn, shivam, direct, settings,
                                                      django_capture_on_commit_callbacks):
    send_file(api(shahn), direct, b"one")
    send_file(api(shivam), direct, audio("ogg"), "memo.ogg", kind="voice")
    assert len(stored_files(settings)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        purge_chats(chat_ids=[uuid.UUID(direct["id"])])
    assert stored_files(settings) == []


def test_the_last_member_leaving_erases_the_files(api, shahn, shivam, direct, settings,
                                                  django_capture_on_commit_callbacks):
    send_file(api(shahn), direct, b"one")
    with django_capture_on_commit_callbacks(execute=True):
        api(shahn).delete(f"/api/v1/chats/{direct['id']}")
        assert len(stored_files(settings)) == 1
        api(shivam).delete(f"/api/v1/chats/{direct['id']}")
    assert stored_files(settings) == []


def test_files_and_voice_count_against_the_upload_limit(api, shahn, direct, settings):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"upload": "2/minute"}
    client = api(shahn)
    assert send_file(client, direct, b"a").status_code == 201
    assert send_file(client, direct, audio("ogg"), "m.ogg", kind="voice").status_code == 201
    response = send_file(client, direct, b"c")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1


def test_a_retry_with_the_same_client_id_returns_the_stored_file(api, shahn, direct, settings):
    client_id = str(uuid.uuid4())
    first = send_file(api(shahn), direct, b"once", client_id=client_id)
    again = send_file(api(shahn), direct, b"once", client_id=client_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["file"] == first.json()["file"] and len(stored_files(settings)) == 1


def test_the_inbox_names_the_file_and_the_voice_message_length(api, shahn, shivam, direct, client):
    send_file(api(shivam), direct, b"x", "plan.pdf")
    client.force_login(shahn)
    assert "File: plan.pdf" in client.get("/chats").content.decode()
    send_file(api(shivam), direct, audio("ogg", 2.5), "m.ogg", kind="voice")
    assert "Voice message 0:02" in client.get("/chats").content.decode()


@pytest.mark.parametrize("extension", list(FORMATS))
def test_corrupted_audio_is_either_read_or_400_never_an_error(extension):
    import io
    import random

    from messaging.audio import inspect_audio
    from messaging.errors import InvalidAudio

    rng, original = random.Random(extension), audio(extension)
    for attempt in range(150):
        broken = bytearray(original)
        if attempt % 2:
            for _ in range(rng.randint(1, 20)):
                broken[rng.randrange(len(broken))] = rng.randrange(256)
        else:
            broken = broken[: rng.randrange(len(broken))]
        with contextlib.suppress(InvalidAudio):  # anything else fails the test
            inspect_audio(io.BytesIO(bytes(broken)), max_seconds=300)


def test_a_webm_of_endless_tiny_elements_is_refused_quickly():
    import io
    import time

    from messaging.audio import inspect_audio
    from messaging.errors import InvalidAudio

    header = bytes.fromhex("1a45dfa3") + bytes([0x80 | 7]) + bytes.fromhex("4282") + bytes([0x84]) + b"webm"
    segment = bytes.fromhex("18538067") + bytes.fromhex("01ffffffffffffff")
    voids = bytes([0xEC, 0x80]) * (5 * 1024 * 1024)  # 10 MiB of empty Void elements
    started = time.monotonic()
    with pytest.raises(InvalidAudio):
        inspect_audio(io.BytesIO(header + segment + voids), max_seconds=300)
    assert time.monotonic() - started < 3


def test_the_site_form_sends_a_file_without_javascript(api, shahn, shivam, direct, client):
    client.force_login(shahn)
    response = client.post(f"/chats/{direct['id']}/send", {
        "client_id": str(uuid.uuid4()), "kind": "text", "text": "the minutes",
        "file": SimpleUploadedFile("minutes.txt", b"we met", content_type="text/plain")})
    assert response.status_code == 302
    message = Message.objects.get(chat_id=direct["id"], kind="file")
    assert (message.file_name, message.file_size, message.text) == ("minutes.txt", 6, "the minutes")
    page = client.get(f"/chats/{direct['id']}").content.decode()
    assert "minutes.txt" in page and f"/media/chats/{direct['id']}/{message.id}/file" in page
