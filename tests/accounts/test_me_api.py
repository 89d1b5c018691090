from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from accounts.models import AuthToken
from tests.conftest import client_for
from tests.images import jpeg_with_exif, png_bytes, upload

pytestmark = pytest.mark.django_db


def test_it_shows_me_with_language_and_date_joined(api, shahn):
    body = api(shahn).get("/api/v1/me").json()
    assert body["id"] == str(shahn.id)
    assert {"username", "display_name", "avatar_url", "language", "date_joined"} <= set(body)


def test_it_updates_display_name_and_language(api, shahn):
    response = api(shahn).patch("/api/v1/me", {"display_name": "S. Hahn", "language": "es"}, format="json")
    assert response.status_code == 200
    shahn.refresh_from_db()
    assert (shahn.display_name, shahn.language) == ("S. Hahn", "es")


def test_an_unknown_language_is_400(api, shahn):
    response = api(shahn).patch("/api/v1/me", {"language": "xx"}, format="json")
    assert response.status_code == 400
    assert "language" in response.json()["fields"]


def test_an_avatar_is_re_encoded_without_metadata_under_a_random_name(api, shahn, anon):
    client = api(shahn)
    response = client.post("/api/v1/me/avatar", {"avatar": upload("me.jpg", jpeg_with_exif(), "image/jpeg")})
    assert response.status_code == 200
    url = response.json()["avatar_url"]
    assert re.fullmatch(r"/media/avatars/[A-Za-z0-9_-]{24}\.(jpg|png)", url)  # a random name, not "me.jpg"
    served = client.get(url)
    assert served.status_code == 200
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert not image.getexif()
    assert anon.get(url).status_code == 401


def test_a_fake_image_is_400_invalid_image(api, shahn):
    response = api(shahn).post("/api/v1/me/avatar", {"avatar": upload("evil.png", b"<script>alert(1)</script>")})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_image"


def test_an_avatar_over_5_mib_is_413(api, shahn):
    big = png_bytes() + b"\0" * (5 * 1024 * 1024)
    response = api(shahn).post("/api/v1/me/avatar", {"avatar": upload("big.png", big)})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_changing_the_password_revokes_the_other_tokens(shahn, password):
    current, other = client_for(shahn), client_for(shahn)
    response = current.post("/api/v1/me/password", {"old_password": password, "new_password": "a-new-long-secret"}, format="json")
    assert response.status_code == 204
    assert current.get("/api/v1/me").status_code == 200
    assert other.get("/api/v1/me").status_code == 401
    shahn.refresh_from_db()
    assert shahn.check_password("a-new-long-secret")


def test_a_wrong_old_password_is_400_invalid_credentials(api, shahn):
    response = api(shahn).post("/api/v1/me/password", {"old_password": "wrong-wrong", "new_password": "a-new-long-secret"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_a_weak_new_password_is_400_weak_password(api, shahn, password):
    response = api(shahn).post("/api/v1/me/password", {"old_password": password, "new_password": "123"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "weak_password"


def test_deleting_the_account_needs_the_password(api, shahn):
    response = api(shahn).delete("/api/v1/me", {"password": "wrong-wrong"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_deleting_the_account_removes_it_and_its_tokens(api, shahn, password):
    client = api(shahn)
    assert client.delete("/api/v1/me", {"password": password}, format="json").status_code == 204
    assert not AuthToken.objects.filter(user_id=shahn.id).exists()
    assert client.get("/api/v1/me").status_code == 401
