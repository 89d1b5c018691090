"""Caches and logs (the catalog's P6). The authorization matrix checks the headers of every API
route and method; these tests cover what the matrix does not reach (URLs no route matches, the
site, media, static files) and scan the logs of a whole session for its secrets."""

from __future__ import annotations

import logging
import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts import services as accounts
from accounts.models import User
from messaging.services.sending import send_message
from tests.factories import befriend
from tests.hardening.test_authorization_matrix import private_to_the_asker
from tests.images import png_bytes, upload

pytestmark = pytest.mark.django_db


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/chats/not-a-uuid"),  # no route: handler404
    ("get", "/api/v1/no-such-thing"),
    ("put", "/api/v1/me"),  # 405
    ("get", "/api/v1/schema"),  # public, but it is the API
])
def test_api_answers_no_route_covers_are_private_too(api, shahn, anon, method, path):
    for client in (anon, api(shahn)):
        private_to_the_asker(getattr(client, method)(path))


def test_a_request_django_refuses_before_the_view_is_private(api, shahn):
    fields = {f"f{i}": "x" for i in range(1200)}  # over DATA_UPLOAD_MAX_NUMBER_FIELDS: handler400
    response = api(shahn).post("/api/v1/chats/groups", fields, format="multipart")
    assert response.status_code == 400
    private_to_the_asker(response)


def test_site_pages_of_a_signed_in_person_are_private(shahn):
    client = Client()
    client.force_login(shahn)
    response = client.get("/chats")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert {"cookie", "authorization"} <= vary(response)


def test_media_keep_their_private_cache_policy_and_vary_on_credentials(shahn, api):
    user = accounts.set_avatar(user=shahn, upload=upload("a.png", png_bytes()))
    response = api(shahn).get(f"/media/avatars/{user.avatar.name.rsplit('/', 1)[-1]}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=3600"  # the browser's own cache only
    assert {"cookie", "authorization"} <= vary(response)


def test_static_files_stay_cacheable(anon):
    response = anon.get("/static/css/api-docs.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_no_password_token_or_message_text_reaches_the_logs(shahn, shivam, password, caplog, settings):
    """A whole session at DEBUG level, failures and limits included: none of its secrets is logged."""
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"login": "2/hour"}
    caplog.set_level(logging.DEBUG)
    secrets = {"password": "correct-horse-battery-4242", "new password": "another-horse-battery-4343",
               "text": f"the secret plan {uuid.uuid4()}", "edit": f"the edited plan {uuid.uuid4()}"}
    anon = APIClient()
    assert anon.post("/api/v1/auth/register", {"username": "neo", "password": secrets["password"]},
                     format="json").status_code == 201
    assert anon.post("/api/v1/auth/register", {"username": "neo2", "password": "neo2"},
                     format="json").status_code == 400
    login = anon.post("/api/v1/auth/login", {"username": "neo", "password": secrets["password"]}, format="json")
    token = secrets["token"] = login.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    befriend(User.objects.get(username="neo"), shahn)
    chat = client.post("/api/v1/chats/direct", {"user": str(shahn.id)}, format="json").json()["id"]
    sent = client.post(f"/api/v1/chats/{chat}/messages",
                       {"kind": "text", "text": secrets["text"], "client_id": str(uuid.uuid4())}, format="json")
    assert sent.status_code == 201
    message = sent.json()["id"]
    assert client.patch(f"/api/v1/chats/{chat}/messages/{message}", {"text": secrets["edit"]},
                        format="json").status_code == 200
    assert client.post(f"/api/v1/chats/{uuid.uuid4()}/messages",  # not a member: 404
                       {"kind": "text", "text": secrets["text"], "client_id": str(uuid.uuid4())},
                       format="json").status_code == 404
    assert client.post(f"/api/v1/chats/{chat}/messages", {"kind": "text", "text": secrets["text"] * 200,
                                                         "client_id": str(uuid.uuid4())},
                       format="json").status_code == 400
    send_message(actor=shahn, chat_id=chat, client_id=uuid.uuid4(), kind="text", text=secrets["text"])
    assert client.post("/api/v1/me/password", {"old_password": secrets["password"],
                                               "new_password": secrets["new password"]},
                       format="json").status_code == 204
    # Wrong passwords, the last one throttled (after the password change, which they would block).
    for _ in range(3):
        anon.post("/api/v1/auth/login", {"username": "neo", "password": secrets["password"]}, format="json")
    site = Client()
    site.post("/login", {"username": "neo", "password": secrets["password"]})  # the old one: refused
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/me").status_code == 401

    assert caplog.records, "the session logged nothing at all: is the scan looking at the logs?"
    logged = caplog.text + "\n".join(str(record.args) for record in caplog.records)
    for what, secret in secrets.items():
        assert secret not in logged, f"the {what} was logged"
