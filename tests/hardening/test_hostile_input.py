"""Client input that used to be a 500: a JSON body nested too deeply to parse, on every JSON
endpoint (login included), and a websocket handshake to a path other than /ws/. Each is a
clean 400 or a refused handshake (contract v1.1, clarifications)."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from chaat.asgi import application
from tests.conftest import client_for
from tests.live.conftest import run_async

pytestmark = pytest.mark.django_db

DEEP = 100_000


@pytest.mark.parametrize("body", ["[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP, "[" * DEEP],
                         ids=["arrays", "objects", "unclosed"])
@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/register"])
def test_a_deeply_nested_body_is_400_without_credentials(path, body):
    response = Client().post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(("method", "path"), [("post", "/api/v1/friend-requests"), ("patch", "/api/v1/me"),
                                              ("post", "/api/v1/chats/groups"), ("post", "/api/v1/blocks")])
def test_a_deeply_nested_body_is_400_when_signed_in(shahn, method, path):
    response = getattr(client_for(shahn), method)(path, "[" * DEEP + "]" * DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_json_nested_a_little_is_still_read(shahn):
    response = client_for(shahn).patch("/api/v1/me", {"display_name": "Shahn", "extra": [[[[1]]]]}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/", "/ws", "/ws/x/", "/api/v1/chats", "/nowhere"])
@run_async
async def test_a_websocket_handshake_to_another_path_is_refused(path):
    communicator = WebsocketCommunicator(application, path, headers=[(b"host", b"localhost")])
    connected, code = await communicator.connect(timeout=2)
    assert not connected
    assert code == 4404
    await communicator.wait(timeout=1)
