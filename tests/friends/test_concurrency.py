"""Two people acting on each other at the same instant, on PostgreSQL with real threads."""

from __future__ import annotations

import pytest

from friends import services
from friends.models import FriendRequest, Friendship
from tests.concurrency import at_once
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True)]




def test_two_people_asking_each_other_at_once_become_friends_exactly_once(postgres):
    for _round in range(20):
        a, b = UserFactory(), UserFactory()
        client_a, client_b = client_for(a), client_for(b)
        responses = at_once(lambda a=a, b=b, client=client_a: client.post("/api/v1/friend-requests", {"to": str(b.id)},
                                                          format="json"),
            lambda a=a, b=b, client=client_b: client.post("/api/v1/friend-requests", {"to": str(a.id)},
                                                          format="json"),
        )
        assert not any(isinstance(r, Exception) for r in responses), responses
        assert sorted(r.status_code for r in responses) == [201, 201]
        assert sorted(r.json()["status"] for r in responses) == ["accepted", "pending"]
        assert Friendship.objects.filter(user_low__in=[a, b], user_high__in=[a, b]).count() == 1
        statuses = FriendRequest.objects.filter(from_user__in=[a, b]).values_list("status", flat=True)
        assert sorted(statuses) == ["accepted", "accepted"]


def test_the_same_request_sent_twice_at_once_is_stored_once(postgres):
    for _round in range(5):
        a, b = UserFactory(), UserFactory()
        results = at_once(*[lambda a=a, b=b: services.send_friend_request(actor=a, to_user_id=b.id)] * 2)
        codes = sorted(getattr(r, "code", "ok") for r in results)
        assert codes == ["ok", "request_pending"], results
        assert FriendRequest.objects.filter(from_user=a, to_user=b).count() == 1


def test_accept_and_withdraw_at_once_end_in_one_consistent_status(postgres):
    outcomes = set()
    for _round in range(10):
        a, b = UserFactory(), UserFactory()
        request = services.send_friend_request(actor=a, to_user_id=b.id)
        results = at_once(lambda b=b, request=request: services.accept_friend_request(actor=b, request_id=request.id),
            lambda a=a, request=request: services.withdraw_friend_request(actor=a, request_id=request.id),
        )
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and errors[0].code == "not_pending", results
        request.refresh_from_db()
        friends = Friendship.objects.filter(user_low__in=[a, b], user_high__in=[a, b]).count()
        assert (request.status, friends) in {("accepted", 1), ("withdrawn", 0)}
        outcomes.add(request.status)
    assert outcomes  # which side wins is up to the scheduler; each round is consistent


def test_accepting_twice_at_once_makes_one_friendship(postgres):
    a, b = UserFactory(), UserFactory()
    request = services.send_friend_request(actor=a, to_user_id=b.id)
    results = at_once(*[lambda: client_for(b).post(f"/api/v1/friend-requests/{request.id}/accept")] * 2)
    assert sorted(r.status_code for r in results) == [200, 409]
    assert Friendship.objects.count() == 1


def test_blocking_while_the_other_accepts_leaves_no_friendship(postgres):
    for _round in range(5):
        a, b = UserFactory(), UserFactory()
        request = services.send_friend_request(actor=a, to_user_id=b.id)
        results = at_once(lambda b=b, request=request: services.accept_friend_request(actor=b, request_id=request.id),
            lambda a=a, b=b: services.block_user(actor=a, user_id=b.id),
        )
        assert all(not isinstance(r, Exception) or r.code == "not_pending" for r in results), results
        assert not Friendship.objects.filter(user_low__in=[a, b], user_high__in=[a, b]).exists()
