"""Matchmaking fixtures: a clock the tests move, and two people paired through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


class Clock:
    """Stands in for matching.clock.now: time only moves when a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.current = moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    monkeypatch.setattr("matching.clock.now", frozen)
    return frozen


def pair(api, first, second) -> dict:
    """`first` waits in the queue, `second` joins and is paired with them: the match as `second`
    sees it."""
    assert api(first).post("/api/v1/match/queue").status_code == 202
    response = api(second).post("/api/v1/match/queue")
    assert response.status_code == 201, response.json()
    return response.json()
