from __future__ import annotations

import uuid

import pytest

from friends.models import Block
from matching.models import Match, MatchSeat, QueueEntry, Report
from tests.factories import befriend
from tests.matching.conftest import pair
from tests.realtime import EventListener

pytestmark = pytest.mark.django_db


def test_the_state_of_someone_new_has_all_points_and_no_match(api, shahn, clock):
    assert api(shahn).get("/api/v1/match").json() == {"points_left": 15, "waiting": False, "active_match": None}


def test_joining_an_empty_queue_waits(api, shahn, clock):
    response = api(shahn).post("/api/v1/match/queue")
    assert response.status_code == 202 and response.json() == {"waiting": True}
    assert api(shahn).get("/api/v1/match").json()["waiting"] is True
    assert QueueEntry.objects.get(user=shahn).language == "en"


def test_joining_twice_is_409_already_waiting(api, shahn, clock):
    api(shahn).post("/api/v1/match/queue")
    response = api(shahn).post("/api/v1/match/queue")
    assert response.status_code == 409 and response.json()["code"] == "already_waiting"


def test_the_second_person_is_paired_at_once(api, shahn, shivam, clock):
    match = pair(api, shahn, shivam)
    assert set(match) == {"id", "chat_id", "partner", "started_at", "ends_at", "ended_at", "duration_minutes"}
    assert match["partner"]["username"] == "shahn"
    assert match["started_at"] == "2026-11-23T12:00:00Z" and match["ends_at"] == "2026-11-23T12:15:00Z"
    assert match["ended_at"] is None and match["duration_minutes"] is None
    state = api(shahn).get("/api/v1/match").json()
    assert state["waiting"] is False and state["active_match"]["id"] == match["id"]
    assert state["active_match"]["partner"]["username"] == "shivam"
    chat = api(shahn).get(f"/api/v1/chats/{match['chat_id']}").json()
    assert chat["kind"] == "match" and {m["username"] for m in chat["members"]} == {"shahn", "shivam"}
    assert not QueueEntry.objects.exists() and MatchSeat.objects.count() == 2


def test_both_partners_get_match_found_as_they_see_it(api, shahn, shivam, clock,
                                                      django_capture_on_commit_callbacks):
    api(shahn).post("/api/v1/match/queue")
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        match = api(shivam).post("/api/v1/match/queue").json()
    found_by_shahn = [e for e in listener.events(shahn) if e["type"] == "match.found"]
    found_by_shivam = [e for e in listener.events(shivam) if e["type"] == "match.found"]
    assert found_by_shivam == [{"type": "match.found", "match": match}]
    assert found_by_shahn[0]["match"]["partner"]["username"] == "shivam"
    assert found_by_shahn[0]["match"]["id"] == match["id"]


def test_joining_while_in_a_match_is_409_in_match(api, shahn, shivam, clock):
    pair(api, shahn, shivam)
    for user in (shahn, shivam):
        response = api(user).post("/api/v1/match/queue")
        assert response.status_code == 409 and response.json()["code"] == "in_match"


def test_joining_with_no_points_left_is_403_no_points(api, shahn, shivam, clock):
    match = pair(api, shahn, shivam)
    clock.advance(minutes=15)
    api(shahn).get("/api/v1/match")  # the deadline passed: the match is over and charged
    assert Match.objects.get(pk=match["id"]).ended_at is not None
    response = api(shahn).post("/api/v1/match/queue")
    assert response.status_code == 403 and response.json()["code"] == "no_points"


def test_leaving_the_queue_is_204_and_idempotent(api, shahn, shivam, clock):
    api(shahn).post("/api/v1/match/queue")
    assert api(shahn).delete("/api/v1/match/queue").status_code == 204
    assert api(shahn).delete("/api/v1/match/queue").status_code == 204
    assert api(shivam).post("/api/v1/match/queue").status_code == 202  # shahn is gone


def test_the_oldest_waiting_person_is_paired_first(api, shahn, shivam, udit, kai, clock):
    befriend(shahn, shivam)  # so the two wait side by side
    api(shahn).post("/api/v1/match/queue")
    clock.advance(seconds=1)
    assert api(shivam).post("/api/v1/match/queue").status_code == 202
    assert api(udit).post("/api/v1/match/queue").json()["partner"]["username"] == "shahn"
    assert api(kai).post("/api/v1/match/queue").json()["partner"]["username"] == "shivam"


def test_the_same_language_goes_first(api, shahn, shivam, udit, kai, clock):
    befriend(shahn, udit)  # so the two wait side by side
    udit.language = kai.language = "de"
    udit.save(), kai.save()
    api(shahn).post("/api/v1/match/queue")  # English, waiting longest
    clock.advance(seconds=1)
    assert api(udit).post("/api/v1/match/queue").status_code == 202
    assert api(kai).post("/api/v1/match/queue").json()["partner"]["username"] == "udit"
    assert api(shivam).post("/api/v1/match/queue").json()["partner"]["username"] == "shahn"


def test_with_nobody_of_my_language_waiting_i_meet_someone_else(api, shahn, kai, clock):
    kai.language = "de"
    kai.save()
    api(shahn).post("/api/v1/match/queue")
    assert api(kai).post("/api/v1/match/queue").json()["partner"]["username"] == "shahn"


@pytest.mark.parametrize("relation", ["friends", "blocked", "blocked_by", "reported", "recent"])
def test_people_who_must_not_meet_are_not_paired(api, shahn, shivam, clock, relation):
    if relation == "friends":
        befriend(shahn, shivam)
    elif relation == "blocked":
        Block.objects.create(blocker=shahn, blocked=shivam)
    elif relation == "blocked_by":
        Block.objects.create(blocker=shivam, blocked=shahn)
    else:
        match = pair(api, shahn, shivam)
        if relation == "reported":
            api(shivam).post(f"/api/v1/match/{match['id']}/report", {"reason": "rude"}, format="json")
            clock.advance(days=2)
        else:
            api(shivam).post(f"/api/v1/match/{match['id']}/end")
            clock.advance(hours=23, minutes=59)
    api(shahn).post("/api/v1/match/queue")
    assert api(shivam).post("/api/v1/match/queue").status_code == 202
    assert QueueEntry.objects.count() == 2


def test_people_matched_more_than_a_day_ago_may_meet_again(api, shahn, shivam, clock):
    match = pair(api, shahn, shivam)
    api(shivam).post(f"/api/v1/match/{match['id']}/end")
    clock.advance(hours=24, seconds=1)
    pair(api, shahn, shivam)


def test_either_partner_ends_the_match(api, shahn, shivam, clock, django_capture_on_commit_callbacks):
    match = pair(api, shahn, shivam)
    clock.advance(seconds=20)
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(shahn).post(f"/api/v1/match/{match['id']}/end")
    assert response.status_code == 200
    ended = response.json()
    assert ended["ended_at"] == "2026-11-23T12:00:20Z" and ended["duration_minutes"] == 1
    assert ended["partner"]["username"] == "shivam"
    assert listener.events(shahn) == [{"type": "match.ended", "match": ended}]
    assert listener.events(shivam)[0]["match"]["partner"]["username"] == "shahn"
    assert api(shivam).get("/api/v1/match").json() == {"points_left": 14, "waiting": False, "active_match": None}
    assert not MatchSeat.objects.exists()


def test_ending_again_returns_the_ended_match_unchanged(api, shahn, shivam, clock):
    match = pair(api, shahn, shivam)
    first = api(shahn).post(f"/api/v1/match/{match['id']}/end").json()
    clock.advance(minutes=3)
    again = api(shivam).post(f"/api/v1/match/{match['id']}/end")
    assert again.status_code == 200 and again.json()["ended_at"] == first["ended_at"]
    assert api(shahn).get("/api/v1/match").json()["points_left"] == 14


def test_someone_elses_match_is_404(api, shahn, shivam, udit, clock):
    match = pair(api, shahn, shivam)
    assert api(udit).post(f"/api/v1/match/{match['id']}/end").status_code == 404
    report = api(udit).post(f"/api/v1/match/{match['id']}/report", {"reason": "x"}, format="json")
    assert report.status_code == 404
    assert api(shahn).post(f"/api/v1/match/{uuid.uuid4()}/end").status_code == 404
    assert Match.objects.get(pk=match["id"]).ended_at is None


def test_reporting_ends_refunds_the_reporter_and_is_kept_for_admins(api, shahn, shivam, clock):
    match = pair(api, shahn, shivam)
    clock.advance(minutes=4, seconds=10)
    response = api(shahn).post(f"/api/v1/match/{match['id']}/report", {"reason": "spam"}, format="json")
    assert response.status_code == 200
    assert response.json()["ended_at"] == "2026-11-23T12:04:10Z" and response.json()["duration_minutes"] == 5
    assert api(shahn).get("/api/v1/match").json()["points_left"] == 15
    assert api(shivam).get("/api/v1/match").json()["points_left"] == 10
    report = Report.objects.get()
    assert (report.reporter, report.reported, report.reason, str(report.match_id)) == (shahn, shivam, "spam", match["id"])


def test_reporting_an_ended_match_refunds_too_and_only_once(api, shahn, shivam, clock):
    match = pair(api, shahn, shivam)
    clock.advance(minutes=2)
    api(shivam).post(f"/api/v1/match/{match['id']}/end")
    for _ in range(2):
        assert api(shahn).post(f"/api/v1/match/{match['id']}/report", {"reason": "rude"},
                               format="json").status_code == 200
    assert api(shahn).get("/api/v1/match").json()["points_left"] == 15
    assert api(shivam).get("/api/v1/match").json()["points_left"] == 13
    assert Report.objects.count() == 1


def test_a_report_needs_a_reason(api, shahn, shivam, clock):
    match = pair(api, shahn, shivam)
    response = api(shahn).post(f"/api/v1/match/{match['id']}/report", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    assert Match.objects.get(pk=match["id"]).ended_at is None


def test_matchmaking_needs_authentication(anon):
    assert anon.get("/api/v1/match").status_code == 401
    assert anon.post("/api/v1/match/queue").status_code == 401
