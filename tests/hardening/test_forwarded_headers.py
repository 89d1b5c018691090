"""`X-Forwarded-For` and `X-Forwarded-Proto` count only with BEHIND_PROXY=1, and then only from
the proxy addresses in FORWARDED_ALLOW_IPS (default 127.0.0.1), whatever uvicorn's own
proxy-headers handling would trust (contract v1.1, clarifications). Real uvicorn processes, as
`make run` starts them: the client IP is what the `register` limit counts, the scheme is what
the `next` links are built with."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import UserFactory, befriend
from tests.servers import live_servers  # noqa: F401 - the fixture

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

LIMIT = {"THROTTLE_RATES": "register=2/hour"}


def _registrations(server, prefix: str) -> list[int]:
    statuses = []
    for i in range(3):
        response = httpx.post(server.url("/api/v1/auth/register"),
                              json={"username": f"{prefix}{i}", "password": "a-long-passphrase-42"},
                              headers={"X-Forwarded-For": f"203.0.113.{i + 1}"}, timeout=10)
        statuses.append(response.status_code)
    return statuses


def _next_scheme(server, token: str) -> str:
    response = httpx.get(server.url("/api/v1/friends"), timeout=10,
                         headers={"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"})
    return response.json()["next"].split(":", 1)[0]


@pytest.fixture
def token_with_a_second_page(db):
    from accounts.services import issue_token

    shahn = UserFactory(username="shahn")
    for i in range(51):
        befriend(shahn, UserFactory(username=f"friend{i:02d}"))
    return issue_token(user=shahn)


def test_without_behind_proxy_forwarded_headers_count_for_nothing(live_servers, token_with_a_second_page):  # noqa: F811
    (server,) = live_servers(1, BEHIND_PROXY="0", FORWARDED_ALLOW_IPS="127.0.0.1", **LIMIT)
    assert _registrations(server, "direct") == [201, 201, 429]  # one client, whatever it claims
    assert _next_scheme(server, token_with_a_second_page) == "http"


def test_behind_a_proxy_its_forwarded_headers_count(live_servers, token_with_a_second_page):  # noqa: F811
    (server,) = live_servers(1, BEHIND_PROXY="1", **LIMIT)  # FORWARDED_ALLOW_IPS: 127.0.0.1
    assert _registrations(server, "proxied") == [201, 201, 201]  # three clients behind the proxy
    assert _next_scheme(server, token_with_a_second_page) == "https"


def test_behind_a_proxy_only_its_own_addresses_are_trusted(live_servers, token_with_a_second_page):  # noqa: F811
    (server,) = live_servers(1, BEHIND_PROXY="1", FORWARDED_ALLOW_IPS="10.1.2.3", **LIMIT)
    assert _registrations(server, "stranger") == [201, 201, 429]
    assert _next_scheme(server, token_with_a_second_page) == "http"
