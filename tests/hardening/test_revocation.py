"""Revoked credentials stop working everywhere at once (the catalog's A7), on real server
processes: a logout, a password change or an account deletion through one process, and the
revoked token gets 401 from the REST API and its open sockets on the other process are closed
with 4401 within a second, while the credentials that remain valid keep working."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from accounts.services import issue_token
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

ROUNDS = 7  # of each kind: 21 revocations, 28 sockets closed
CLOSE_WITHIN = 1.0  # seconds from the revoking request to the socket's close frame
NEW_PASSWORD = "a-brand-new-passphrase-42"


@dataclass
class Trial:
    """One user with two tokens: `a` does the revoking, `b` is the other device."""

    kind: str
    a: str
    b: str


async def opened(url: str, token: str) -> ClientConnection:
    ws = await connect(url, additional_headers={"Authorization": f"Token {token}"})
    await ws.send(json.dumps({"type": "ping"}))
    while json.loads(await asyncio.wait_for(ws.recv(), 2))["type"] != "pong":
        pass
    return ws  # answering, so subscribed to the user's group


async def closed_after(ws: ClientConnection, started: float) -> tuple[int | None, float]:
    """The close code the server sends and the seconds from `started` until it came."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), CLOSE_WITHIN + 2)
    except ConnectionClosed as closed:
        return (closed.rcvd.code if closed.rcvd else None), time.perf_counter() - started
    except TimeoutError:
        return None, time.perf_counter() - started


async def still_open(ws: ClientConnection) -> bool:
    await ws.send(json.dumps({"type": "ping"}))
    try:
        while json.loads(await asyncio.wait_for(ws.recv(), 2))["type"] != "pong":
            pass
    except (ConnectionClosed, TimeoutError):
        return False
    return True


async def revoke(http: httpx.AsyncClient, trial: Trial) -> httpx.Response:
    auth = {"Authorization": f"Token {trial.a}"}
    if trial.kind == "logout":
        return await http.post("/api/v1/auth/logout", headers=auth)
    if trial.kind == "password change":
        return await http.post("/api/v1/me/password", headers=auth,
                               json={"old_password": PASSWORD, "new_password": NEW_PASSWORD})
    return await http.request("DELETE", "/api/v1/me", headers=auth, json={"password": PASSWORD})


async def run_trial(trial: Trial, *, http: httpx.AsyncClient, ws_url: str, close_times: list[float]) -> None:
    # What each kind revokes (contract: logout → the token used; password change → every other
    # token; deletion → all of them).
    revoked = {"logout": {"a"}, "password change": {"b"}, "account deletion": {"a", "b"}}[trial.kind]
    tokens = {"a": trial.a, "b": trial.b}
    sockets = {name: await opened(ws_url, token) for name, token in tokens.items()}
    started = time.perf_counter()
    watches = {name: asyncio.create_task(closed_after(sockets[name], started)) for name in revoked}
    response = await revoke(http, trial)
    assert response.status_code == 204, (trial.kind, response.status_code, response.text)
    for name, token in tokens.items():
        me = await http.get("/api/v1/me", headers={"Authorization": f"Token {token}"})
        assert me.status_code == (401 if name in revoked else 200), (trial.kind, name, me.status_code)
    for name, watch in watches.items():
        code, seconds = await watch
        assert code == 4401, f"{trial.kind}: the socket of token {name} got {code} after {seconds:.2f} s"
        assert seconds <= CLOSE_WITHIN, f"{trial.kind}: the socket of token {name} closed after {seconds:.2f} s"
        close_times.append(seconds)
    for name in tokens.keys() - revoked:
        assert await still_open(sockets[name]), f"{trial.kind}: the socket of the kept token {name} was closed"
    for ws in sockets.values():
        await ws.close()


def test_revoked_tokens_get_401_and_their_sockets_close_within_a_second(live_servers):
    a, b = live_servers(2)
    trials = []
    for _ in range(ROUNDS):
        for kind in ("logout", "password change", "account deletion"):
            user = UserFactory(username=f"revoked{len(trials)}")
            trials.append(Trial(kind, issue_token(user=user), issue_token(user=user)))

    async def main() -> list[float]:
        close_times: list[float] = []
        for i, trial in enumerate(trials):
            # Sockets on one process, the revoking request through the other, both ways round.
            http_server, ws_server = (a, b) if i % 2 else (b, a)
            async with httpx.AsyncClient(base_url=http_server.url(), timeout=5) as http:
                await run_trial(trial, http=http, ws_url=ws_server.ws_url(), close_times=close_times)
        return close_times

    close_times = asyncio.run(main())
    print(f"\n{len(trials)} revocations, {len(close_times)} sockets closed: median "
          f"{statistics.median(close_times) * 1000:.0f} ms, max {max(close_times) * 1000:.0f} ms")
    for server in (a, b):  # the servers' own output holds no credential
        log = server.log()
        for trial in trials:
            assert trial.a not in log and trial.b not in log
        assert PASSWORD not in log and NEW_PASSWORD not in log
