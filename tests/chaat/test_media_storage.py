"""MEDIA_STORAGE: media on the local disk, or in S3-compatible object storage served through
short-lived signed URLs (docs/DEPLOY.md)."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

from chaat.settings import media_storage

S3 = {"MEDIA_STORAGE": "s3", "MEDIA_S3_BUCKET": "chaat-media", "MEDIA_S3_ENDPOINT_URL": "http://127.0.0.1:9",
      "MEDIA_S3_ACCESS_KEY_ID": "test-key", "MEDIA_S3_SECRET_ACCESS_KEY": "test-secret", "MEDIA_S3_REGION": "eu-west-1"}


def test_it_keeps_media_on_the_local_disk_by_default():
    assert media_storage({}) == ({"BACKEND": "django.core.files.storage.FileSystemStorage"}, False, [])


def test_it_switches_to_s3_with_signed_urls_and_names_the_origins_for_the_csp():
    storage, signed, origins = media_storage(S3)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "chaat-media" and storage["OPTIONS"]["default_acl"] is None
    assert signed and origins == ["http://127.0.0.1:9", "http://chaat-media.127.0.0.1:9"]
    assert media_storage(S3 | {"MEDIA_SIGNED_URLS": "0"})[1:] == (False, [])


@pytest.mark.parametrize("env", [{"MEDIA_STORAGE": "ftp"}, {"MEDIA_STORAGE": "s3"}])
def test_it_refuses_an_unknown_storage_or_a_missing_bucket(env):
    with pytest.raises(ImproperlyConfigured):
        media_storage(env)


@pytest.mark.django_db
def test_with_s3_members_are_redirected_to_a_short_lived_signed_url_with_safe_headers(api, shahn, shivam, udit, anon,
                                                                                     settings):
    pytest.importorskip("storages")
    from tests.factories import befriend

    befriend(shahn, shivam)
    chat = api(shahn).post("/api/v1/chats/direct", {"user": str(shivam.id)}, format="json").json()
    sent = api(shahn).post(f"/api/v1/chats/{chat['id']}/messages", {
        "kind": "file", "client_id": str(uuid.uuid4()),
        "file": SimpleUploadedFile("page.html", b"<script>alert(1)</script>", content_type="text/html")}).json()
    # The file was stored on disk; from here on the app believes it is in the bucket. Signing a URL
    # is computed locally, so no object storage needs to answer.
    storage, signed, _origins = media_storage(S3)
    settings.STORAGES = settings.STORAGES | {"default": storage}
    settings.MEDIA_SIGNED_URLS = signed
    response = api(shivam).get(sent["file"]["url"])
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert location.netloc == "127.0.0.1:9" and location.path.startswith("/chaat-media/media/chat-files/")
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
    assert query["response-content-type"] == ["application/octet-stream"]
    assert query["response-content-disposition"] == ['attachment; filename="page.html"']
    assert api(udit).get(sent["file"]["url"]).status_code == 404
    assert anon.get(sent["file"]["url"]).status_code == 401


@pytest.fixture
def bucket(settings):
    """MEDIA_STORAGE=s3 against an object store on loopback (tests/s3server.py)."""
    pytest.importorskip("storages")
    from django.core.files.storage import storages

    from tests.s3server import s3_server

    with s3_server() as server:
        storage, signed, _origins = media_storage(S3 | {"MEDIA_S3_ENDPOINT_URL": server.url,
                                                        "MEDIA_S3_ADDRESSING_STYLE": "path"})
        settings.STORAGES = settings.STORAGES | {"default": storage}
        settings.MEDIA_SIGNED_URLS = signed
        yield server
    storages._storages.clear()


@pytest.mark.django_db
def test_with_s3_files_are_stored_served_and_erased_in_the_bucket(api, shahn, shivam, bucket, settings,
                                                                 django_capture_on_commit_callbacks):
    import httpx

    from tests.audio import audio
    from tests.factories import befriend

    befriend(shahn, shivam)
    chat = api(shahn).post("/api/v1/chats/direct", {"user": str(shivam.id)}, format="json").json()
    content = audio("ogg")
    sent = api(shahn).post(f"/api/v1/chats/{chat['id']}/messages", {
        "kind": "voice", "client_id": str(uuid.uuid4()),
        "file": SimpleUploadedFile("memo.ogg", content, content_type="audio/ogg")}).json()
    (key,) = bucket.objects
    assert key.startswith("chaat-media/media/chat-files/") and bucket.objects[key][0] == content
    assert not (settings.MEDIA_ROOT / "chat-files").exists()  # nothing on the local disk

    # Signed URLs (the default): the bucket serves the bytes, ranges included, with the app's headers.
    redirect = api(shivam).get(sent["file"]["url"])
    assert redirect.status_code == 302
    part = httpx.get(redirect["Location"], headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == content[:10]
    assert part.headers["Content-Type"] == "audio/ogg"
    assert part.headers["Content-Disposition"] == 'inline; filename="memo.ogg"'

    # MEDIA_SIGNED_URLS=0: the app streams from the bucket itself, with every header and ranges.
    settings.MEDIA_SIGNED_URLS = False
    through = api(shivam).get(sent["file"]["url"], HTTP_RANGE="bytes=4-")
    assert through.status_code == 206 and b"".join(through.streaming_content) == content[4:]
    assert through["X-Content-Type-Options"] == "nosniff"

    with django_capture_on_commit_callbacks(execute=True):
        assert api(shahn).delete(f"/api/v1/chats/{chat['id']}/messages/{sent['id']}").status_code == 204
    assert bucket.objects == {}
