"""Helpers for the friends tests: requests made through the services, as set-up."""

from __future__ import annotations

import pytest

from friends import services


@pytest.fixture
def request_between():
    """`request_between(a, b, greeting)` makes a pending request from a to b."""

    def make(from_user, to_user, greeting: str = ""):
        return services.send_friend_request(actor=from_user, to_user_id=to_user.id, greeting=greeting)

    return make
