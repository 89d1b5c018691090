"""One parser reads `Authorization: Token <key>` for the API, the websocket and media alike; the
keyword in any case (HTTP auth schemes are case-insensitive), anything else is no token."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from accounts.authentication import token_from_header
from accounts.services import issue_token
from tests.live.conftest import close_code, opened, run_async, socket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "key"), [
    ("Token abc", "abc"), ("token abc", "abc"), ("TOKEN  abc ", "abc"),
    ("Bearer abc", None), ("Token", None), ("Token a b", None), ("", None), (None, None), ("Tokenabc", None),
])
def test_it_reads_the_key_or_nothing(value, key):
    assert token_from_header(value) == key


@pytest.mark.parametrize("keyword", ["Token", "token", "TOKEN"])
def test_media_and_the_api_take_the_keyword_in_any_case(shahn, keyword):
    client = Client(HTTP_AUTHORIZATION=f"{keyword} {issue_token(user=shahn)}")
    assert client.get("/api/v1/me").status_code == 200
    sticker = client.get("/api/v1/stickers").json()["results"][0]["image_url"]
    assert client.get(sticker).status_code == 200
    assert Client().get(sticker).status_code == 401


@pytest.mark.django_db(transaction=True)
@run_async
async def test_the_socket_takes_the_keyword_in_any_case(shahn):
    token = await sync_to_async(issue_token)(user=shahn)
    communicator = socket()
    communicator.scope["headers"].append((b"authorization", f"tOkEn {token}".encode()))
    await opened(communicator)
    await communicator.disconnect()
    refused = socket()
    refused.scope["headers"].append((b"authorization", f"Token {token} extra".encode()))
    await refused.connect()
    assert await close_code(refused) == 4401
    await refused.disconnect()
