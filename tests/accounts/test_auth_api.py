from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password

from accounts.models import AuthToken, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def register(anon, **body):
    payload = {"username": "Neo.One", "password": "a-strong-passphrase"} | body
    return anon.post("/api/v1/auth/register", payload, format="json")


def test_it_registers_and_returns_a_token_and_the_user(anon):
    response = register(anon, display_name="Neo", language="de")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "user"}
    assert body["user"]["username"] == "neo.one"
    assert body["user"]["display_name"] == "Neo"
    assert body["user"]["language"] == "de"
    assert "password" not in str(body["user"])
    me = anon.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert me.status_code == 200 and me.json()["username"] == "neo.one"


def test_it_stores_argon2id_hashes_with_a_salt_each(anon):
    register(anon, username="alpha")
    register(anon, username="bravo")
    hashes = list(User.objects.values_list("password", flat=True))
    assert all(h.startswith("argon2$argon2id$") for h in hashes)
    salts = {h.split("$")[4] for h in hashes}
    assert len(salts) == 2


def test_a_taken_username_is_400_username_taken_ignoring_case(anon):
    register(anon, username="wendy")
    response = register(anon, username="WENDY")
    assert response.status_code == 400
    assert response.json()["code"] == "username_taken"


@pytest.mark.parametrize("username", ["ab", "x" * 33, "has space", "émile", "semi;colon"])
def test_a_malformed_username_is_400_with_the_field_named(anon, username):
    response = register(anon, username=username)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "username" in response.json()["fields"]


@pytest.mark.parametrize("password", ["short", "1234567890123", "password123", "neo.one123"])
def test_a_weak_password_is_400_weak_password(anon, password):
    response = register(anon, password=password)
    assert response.status_code == 400
    assert response.json()["code"] == "weak_password"
    assert not User.objects.exists()


def test_login_gives_a_new_independent_token_each_time(anon, shahn, password):
    first = anon.post("/api/v1/auth/login", {"username": "Shahn", "password": password}, format="json")
    second = anon.post("/api/v1/auth/login", {"username": "shahn", "password": password}, format="json")
    assert first.status_code == second.status_code == 200
    assert first.json()["token"] != second.json()["token"]
    assert first.json()["user"]["id"] == str(shahn.id)
    assert AuthToken.objects.filter(user=shahn).count() == 2


def test_wrong_password_and_unknown_user_give_the_same_answer(anon, shahn):
    wrong = anon.post("/api/v1/auth/login", {"username": "shahn", "password": "nope-nope-nope"}, format="json")
    unknown = anon.post("/api/v1/auth/login", {"username": "ghost", "password": "nope-nope-nope"}, format="json")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "invalid_credentials"


def test_repeated_failed_logins_are_throttled_with_retry_after(anon, shahn, password, settings):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"login": "3/hour"}
    for _ in range(3):
        response = anon.post("/api/v1/auth/login", {"username": "shahn", "password": "bad-bad-bad"}, format="json")
        assert response.status_code == 400
    response = anon.post("/api/v1/auth/login", {"username": "shahn", "password": password}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_logout_revokes_only_the_token_used(shahn):
    first, second = client_for(shahn), client_for(shahn)
    assert first.post("/api/v1/auth/logout").status_code == 204
    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 200


def test_login_upgrades_an_older_hash_to_argon2id(anon):
    user = User.objects.create(username="legacy", password=make_password("old-but-good-pass", hasher="pbkdf2_sha256"))
    response = anon.post("/api/v1/auth/login", {"username": "legacy", "password": "old-but-good-pass"}, format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


def test_registrations_are_limited_per_client_ip(anon, settings):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"register": "2/hour"}
    assert register(anon, username="one1").status_code == 201
    assert register(anon, username="two2").status_code == 201
    response = register(anon, username="three")
    assert response.status_code == 429
    assert "Retry-After" in response


def test_api_calls_need_authentication(anon):
    response = anon.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_bogus_token_is_401(anon):
    anon.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert anon.get("/api/v1/me").status_code == 401


def test_malformed_json_is_400_not_500(anon):
    response = anon.post("/api/v1/auth/login", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
