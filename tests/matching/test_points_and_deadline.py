from __future__ import annotations

from datetime import UTC, datetime

import pytest

from matching.models import Match, PointsDay
from matching.services import end_due_matches
from tests.factories import UserFactory
from tests.matching.conftest import pair
from tests.messaging.conftest import send
from tests.realtime import EventListener

pytestmark = pytest.mark.django_db


def points(api, user) -> int:
    return api(user).get("/api/v1/match").json()["points_left"]


def test_a_started_minute_costs_one_point(api, shahn, shivam, clock):
    match = pair(api, shahn, shivam)
    clock.advance(minutes=2, seconds=1)
    ended = api(shahn).post(f"/api/v1/match/{match['id']}/end").json()
    assert ended["duration_minutes"] == 3
    assert points(api, shahn) == points(api, shivam) == 12


def test_the_deadline_is_the_smaller_budget_of_the_two(api, shahn, shivam, udit, clock):
    first = pair(api, shahn, shivam)
    clock.advance(minutes=9, seconds=30)
    api(shahn).post(f"/api/v1/match/{first['id']}/end")  # 10 points used: 5 left
    assert points(api, shahn) == 5
    second = pair(api, shahn, udit)
    assert second["ends_at"] == "2026-11-23T12:14:30Z"  # shahn's 5 points, not udit's 15
    clock.advance(minutes=5)
    assert api(udit).get("/api/v1/match").json()["points_left"] == 10
    assert points(api, shahn) == 0


def test_points_reset_at_midnight_utc(api, shahn, shivam, udit, clock):
    clock.set(datetime(2026, 11, 23, 23, 50, tzinfo=UTC))
    first = pair(api, shahn, shivam)
    clock.advance(minutes=6)
    api(shahn).post(f"/api/v1/match/{first['id']}/end")
    assert points(api, shahn) == 9
    second = pair(api, shahn, udit)
    assert second["ends_at"] == "2026-11-24T00:05:00Z"  # the 9 points shahn had left
    clock.set(datetime(2026, 11, 24, 0, 0, 1, tzinfo=UTC))
    api(shahn).post(f"/api/v1/match/{second['id']}/end")  # charged to the day it started
    assert PointsDay.objects.get(user=shahn, day="2026-11-23").used == 6 + 5  # 23:56 to 00:00:01
    assert points(api, shahn) == 15
    assert points(api, udit) == 15


def test_a_match_ends_at_its_deadline_without_anyone_ending_it(api, shahn, shivam, clock,
                                                                 django_capture_on_commit_callbacks):
    match = pair(api, shahn, shivam)
    listener = EventListener(shahn, shivam)
    clock.advance(minutes=14, seconds=59)
    with django_capture_on_commit_callbacks(execute=True):
        assert end_due_matches() == 0
    clock.advance(minutes=3)  # the timer ran late: the match still ends at its deadline
    with django_capture_on_commit_callbacks(execute=True):
        assert end_due_matches() == 1
        assert end_due_matches() == 0
    ended = listener.events(shahn)
    assert [e["type"] for e in ended] == ["match.ended"]
    assert ended[0]["match"]["ended_at"] == "2026-11-23T12:15:00Z"
    assert ended[0]["match"]["duration_minutes"] == 15
    assert ended[0]["match"]["partner"]["username"] == "shivam"
    assert listener.types(shivam) == ["match.ended"]
    assert Match.objects.get(pk=match["id"]).ended_reason == "deadline"
    assert points(api, shahn) == points(api, shivam) == 0


def test_reading_the_state_ends_a_due_match_too(api, shahn, shivam, clock, django_capture_on_commit_callbacks):
    match = pair(api, shahn, shivam)
    clock.advance(minutes=20)
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        state = api(shivam).get("/api/v1/match").json()
    assert state == {"points_left": 0, "waiting": False, "active_match": None}
    assert listener.types(shahn) == ["match.ended"]
    assert Match.objects.get(pk=match["id"]).ended_at is not None


def test_sending_after_the_end_is_409_match_ended_and_the_chat_stays_readable(api, shahn, shivam, clock):
    match = pair(api, shahn, shivam)
    assert send(api(shahn), match["chat_id"], "hello stranger").status_code == 201
    api(shivam).post(f"/api/v1/match/{match['id']}/end")
    response = send(api(shahn), match["chat_id"], "wait")
    assert response.status_code == 409 and response.json()["code"] == "match_ended"
    history = api(shivam).get(f"/api/v1/chats/{match['chat_id']}/messages").json()
    assert [m["text"] for m in history["results"]] == ["hello stranger"]


def test_sending_past_the_deadline_is_409_even_before_the_timer_runs(api, shahn, shivam, clock):
    match = pair(api, shahn, shivam)
    clock.advance(minutes=14, seconds=59)
    assert send(api(shivam), match["chat_id"]).status_code == 201
    clock.advance(seconds=1)
    response = send(api(shivam), match["chat_id"])
    assert response.status_code == 409 and response.json()["code"] == "match_ended"


def test_a_match_chat_without_its_match_is_closed(api, shahn, shivam, clock):
    match = pair(api, shahn, shivam)
    Match.objects.filter(pk=match["id"]).delete()
    assert send(api(shahn), match["chat_id"]).status_code == 409


def test_end_due_matches_ends_every_due_match(clock, api):
    users = [UserFactory() for _ in range(6)]
    for first, second in zip(users[::2], users[1::2], strict=True):
        pair(api, first, second)
    clock.advance(minutes=15)
    assert end_due_matches() == 3
    assert not Match.objects.filter(ended_at__isnull=True).exists()
