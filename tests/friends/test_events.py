"""Each change publishes its events after commit, to every user it concerns, on the real layer."""

from __future__ import annotations

import pytest
from django.db import transaction

from accounts.serializers import UserOut
from friends import errors, services
from tests.factories import befriend, friend_request
from tests.realtime import EventListener

pytestmark = pytest.mark.django_db


def _user(user) -> dict:
    return {**UserOut(user).data, "id": str(user.id)}


def test_a_new_request_is_received_by_both_sides(shahn, shivam, udit, django_capture_on_commit_callbacks):
    listener = EventListener(shahn, shivam, udit)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.send_friend_request(actor=shahn, to_user_id=shivam.id, greeting="<b>hi</b>")
    for user in (shahn, shivam):
        events = listener.events(user)
        assert events == [{"type": "friend_request.received", "request": events[0]["request"]}]
        payload = events[0]["request"]
        assert payload["id"] == str(request.id) and payload["status"] == "pending"
        assert payload["greeting"] == "<b>hi</b>"
        assert payload["from_user"] == _user(shahn) and payload["to_user"] == _user(shivam)
    assert listener.events(udit) == []


def test_accepting_updates_the_request_and_creates_the_friendship_for_both(
        shahn, shivam, django_capture_on_commit_callbacks):
    request = friend_request(shahn, shivam)
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_friend_request(actor=shivam, request_id=request.id)
    shahn_events, shivam_events = listener.events(shahn), listener.events(shivam)
    assert [e["type"] for e in shahn_events] == ["friend_request.updated", "friendship.created"]
    assert [e["type"] for e in shivam_events] == ["friend_request.updated", "friendship.created"]
    assert shahn_events[0]["request"]["status"] == "accepted"
    assert shahn_events[0]["request"]["responded_at"]
    assert shahn_events[1] == {"type": "friendship.created", "user": _user(shivam)}
    assert shivam_events[1] == {"type": "friendship.created", "user": _user(shahn)}


def test_a_mutual_request_updates_both_requests_and_creates_the_friendship(
        shahn, shivam, django_capture_on_commit_callbacks):
    theirs = friend_request(shivam, shahn)
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        mine = services.send_friend_request(actor=shahn, to_user_id=shivam.id)
    for user, other in [(shahn, shivam), (shivam, shahn)]:
        events = listener.events(user)
        assert [e["type"] for e in events] == ["friend_request.updated", "friend_request.updated",
                                                "friendship.created"]
        assert {e["request"]["id"] for e in events[:2]} == {str(theirs.id), str(mine.id)}
        assert all(e["request"]["status"] == "accepted" for e in events[:2])
        assert events[2]["user"] == _user(other)


@pytest.mark.parametrize(("actor_role", "action", "status"), [
    ("recipient", services.reject_friend_request, "rejected"),
    ("sender", services.withdraw_friend_request, "withdrawn"),
])
def test_rejecting_or_withdrawing_updates_the_request_for_both(
        shahn, shivam, django_capture_on_commit_callbacks, actor_role, action, status):
    request = friend_request(shahn, shivam)
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        action(actor=shivam if actor_role == "recipient" else shahn, request_id=request.id)
    for user in (shahn, shivam):
        events = listener.events(user)
        assert [(e["type"], e["request"]["status"]) for e in events] == [("friend_request.updated", status)]


def test_unfriending_removes_the_friendship_for_both(shahn, shivam, django_capture_on_commit_callbacks):
    befriend(shahn, shivam)
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        services.unfriend(actor=shahn, user_id=shivam.id)
    assert listener.events(shahn) == [{"type": "friendship.removed", "user": _user(shivam)}]
    assert listener.events(shivam) == [{"type": "friendship.removed", "user": _user(shahn)}]


def test_blocking_a_friend_with_a_pending_request_tells_both_what_ended(
        shahn, shivam, django_capture_on_commit_callbacks):
    befriend(shahn, shivam)
    services.unfriend(actor=shahn, user_id=shivam.id)
    friend_request(shivam, shahn)
    befriend(shahn, shivam)  # friends again, with an old request still pending
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        services.block_user(actor=shahn, user_id=shivam.id)
    events = listener.events(shivam)
    assert [e["type"] for e in events] == ["friendship.removed", "friend_request.updated"]
    assert events[1]["request"]["status"] == "rejected"


def test_blocking_again_publishes_nothing(shahn, shivam, django_capture_on_commit_callbacks):
    befriend(shahn, shivam)
    services.block_user(actor=shahn, user_id=shivam.id)
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        services.block_user(actor=shahn, user_id=shivam.id)
    assert listener.events(shahn) == [] and listener.events(shivam) == []


def test_nothing_is_published_when_the_change_fails_or_rolls_back(
        shahn, shivam, django_capture_on_commit_callbacks):
    befriend(shahn, shivam)
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(errors.AlreadyFriends):
            services.send_friend_request(actor=shahn, to_user_id=shivam.id)
        with pytest.raises(RuntimeError), transaction.atomic():
            services.unfriend(actor=shahn, user_id=shivam.id)
            raise RuntimeError("roll back")
    assert callbacks == []
    assert listener.events(shahn) == [] and listener.events(shivam) == []
