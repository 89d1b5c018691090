"""Who may open /ws/, and how revoked credentials close the sockets they opened (4401)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from accounts.services import issue_token
from tests.live.conftest import SITE, close_code, opened, run_async, session_cookie, socket

pytestmark = pytest.mark.django_db(transaction=True)


@run_async
async def test_a_socket_without_credentials_is_closed_with_4401(shahn):
    communicator = socket()
    connected, _ = await communicator.connect()
    assert connected
    assert await close_code(communicator) == 4401
    await communicator.disconnect()


@run_async
async def test_a_token_header_without_origin_is_enough(shahn):
    token = await sync_to_async(issue_token)(user=shahn)
    communicator = await opened(socket(token=token))
    await communicator.disconnect()


@run_async
async def test_an_unknown_token_is_closed_with_4401(shahn):
    communicator = socket(token="0" * 40)
    await communicator.connect()
    assert await close_code(communicator) == 4401
    await communicator.disconnect()


@run_async
async def test_another_authorization_scheme_is_closed_with_4401(shahn):
    token = await sync_to_async(issue_token)(user=shahn)
    communicator = socket()
    communicator.scope["headers"].append((b"authorization", f"Bearer {token}".encode()))
    await communicator.connect()
    assert await close_code(communicator) == 4401
    await communicator.disconnect()


@run_async
async def test_a_token_in_the_query_string_is_refused(shahn):
    token = await sync_to_async(issue_token)(user=shahn)
    communicator = socket(path=f"/ws/?token={token}")
    await communicator.connect()
    assert await close_code(communicator) == 4401
    await communicator.disconnect()


@run_async
async def test_the_session_cookie_from_this_site_is_enough(shahn):
    session = await sync_to_async(session_cookie)(shahn)
    communicator = await opened(socket(session=session, origin=SITE))
    await communicator.disconnect()


@pytest.mark.parametrize("origin", [None, "null", "http://evil.example", "http://localhost:9999",
                                    "http://localhost.evil.example"])
@run_async
async def test_the_session_cookie_from_another_origin_is_closed_with_4401(shahn, origin):
    session = await sync_to_async(session_cookie)(shahn)
    communicator = socket(session=session, origin=origin)
    await communicator.connect()
    assert await close_code(communicator) == 4401
    await communicator.disconnect()


@run_async
async def test_a_host_that_is_not_allowed_is_refused_even_from_its_own_origin(shahn):
    session = await sync_to_async(session_cookie)(shahn)
    communicator = socket(session=session, origin="http://evil.example", host="evil.example")
    await communicator.connect()
    assert await close_code(communicator) == 4401
    await communicator.disconnect()


@run_async
async def test_at_most_ten_sockets_per_user(shahn):
    token = await sync_to_async(issue_token)(user=shahn)
    sockets = [await opened(socket(token=token)) for _ in range(10)]
    eleventh = socket(token=token)
    await eleventh.connect()
    assert await close_code(eleventh) == 4429
    await eleventh.disconnect()
    await sockets.pop().disconnect()
    sockets.append(await opened(socket(token=token)))  # a freed place can be taken again
    for communicator in sockets:
        await communicator.disconnect()


# --- revocation ----------------------------------------------------------------------------------


def _post(client, path: str, body: dict | None = None, token: str | None = None):
    kwargs = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    return client.post(path, body or {}, content_type="application/json", **kwargs)


@run_async
async def test_an_api_logout_closes_the_sockets_of_that_token_only(shahn):
    token, other = await sync_to_async(issue_token)(user=shahn), await sync_to_async(issue_token)(user=shahn)
    revoked, kept = await opened(socket(token=token)), await opened(socket(token=other))
    response = await sync_to_async(_post)(Client(), "/api/v1/auth/logout", token=token)
    assert response.status_code == 204
    assert await close_code(revoked, timeout=1) == 4401
    await opened_still(kept)
    await revoked.disconnect()
    await kept.disconnect()


@run_async
async def test_a_site_logout_closes_the_sockets_of_that_session(shahn):
    client = Client()
    await sync_to_async(client.force_login)(shahn)
    session = client.cookies["sessionid"].value
    token = await sync_to_async(issue_token)(user=shahn)
    by_session, by_token = await opened(socket(session=session, origin=SITE)), await opened(socket(token=token))
    response = await sync_to_async(client.post)("/logout")
    assert response.status_code == 302
    assert await close_code(by_session, timeout=1) == 4401
    await opened_still(by_token)
    await by_session.disconnect()
    await by_token.disconnect()


@run_async
async def test_a_password_change_closes_every_socket_but_those_of_the_token_used(shahn, password):
    token, other = await sync_to_async(issue_token)(user=shahn), await sync_to_async(issue_token)(user=shahn)
    session = await sync_to_async(session_cookie)(shahn)
    kept, by_token = await opened(socket(token=token)), await opened(socket(token=other))
    by_session = await opened(socket(session=session, origin=SITE))
    body = {"old_password": password, "new_password": "a-brand-new-passphrase"}
    response = await sync_to_async(_post)(Client(), "/api/v1/me/password", body, token=token)
    assert response.status_code == 204
    assert await close_code(by_token, timeout=1) == 4401
    assert await close_code(by_session, timeout=1) == 4401
    await opened_still(kept)
    for communicator in (kept, by_token, by_session):
        await communicator.disconnect()


@run_async
async def test_deleting_the_account_closes_all_its_sockets(shahn, shivam, password):
    token = await sync_to_async(issue_token)(user=shahn)
    mine = await opened(socket(token=token))
    theirs = await opened(socket(token=await sync_to_async(issue_token)(user=shivam)))
    response = await sync_to_async(Client().delete)(
        "/api/v1/me", {"password": password}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 204
    assert await close_code(mine, timeout=1) == 4401
    await opened_still(theirs)
    await mine.disconnect()
    await theirs.disconnect()


async def opened_still(communicator) -> None:
    """The socket is open and answering, and got no close frame."""
    await communicator.send_json_to({"type": "ping"})
    while True:
        output = await communicator.receive_output(timeout=1)
        assert output["type"] == "websocket.send", output
        if '"pong"' in output["text"]:
            return
