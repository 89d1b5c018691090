"""The one keyset paginator (chaat/pagination.py): every list pages on a unique key, no row is
skipped or repeated, and any cursor it did not make is 400 `invalid` naming `cursor`."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from messaging.models import Chat, Participant
from tests.conftest import client_for
from tests.factories import UserFactory, befriend

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/chats", "/api/v1/match/history", "/api/v1/friends", "/api/v1/friend-requests",
         "/api/v1/blocks"]


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


FORGED = [
    _b64(["not a time", "not a uuid"]),  # what the old, unsigned cursors would have read
    _b64(["2026-01-01T00:00:00+00:00", "00000000-0000-0000-0000-000000000000"]),
    _b64({"a": 1}),
    "%%%not-base64",
    "x" * 5000,
    "WyIxIl0:1vQ0Zz:forged-signature",
]


@pytest.mark.parametrize("cursor", FORGED)
@pytest.mark.parametrize("path", LISTS)
def test_a_cursor_the_server_did_not_make_is_400(shahn, path, cursor):
    response = client_for(shahn).get(path, {"cursor": cursor})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "cursor" in body["fields"]


def _cursor(url: str) -> str:
    return parse_qs(urlsplit(url).query)["cursor"][0]


def test_a_cursor_of_another_list_is_400(shahn):
    for i in range(51):
        befriend(shahn, UserFactory(username=f"friend{i:02d}"))
    api = client_for(shahn)
    cursor = _cursor(api.get("/api/v1/friends").json()["next"])
    assert api.get("/api/v1/friends", {"cursor": cursor}).status_code == 200
    response = api.get("/api/v1/chats", {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["fields"]


def test_chats_with_the_same_activity_page_without_gaps_or_repeats(shahn):
    moment = timezone.now()
    chats = Chat.objects.bulk_create([Chat(kind=Chat.Kind.GROUP, name=f"g{i}", created_at=moment)
                                      for i in range(120)])
    Participant.objects.bulk_create([Participant(chat=chat, user=shahn) for chat in chats])
    api, seen, url = client_for(shahn), [], "/api/v1/chats"
    while url:
        body = api.get(url).json()
        seen += [chat["id"] for chat in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 120
