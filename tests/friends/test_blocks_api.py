from __future__ import annotations

import uuid

import pytest

from friends.models import Block, FriendRequest
from friends.selectors import are_friends, is_blocked_between
from tests.factories import UserFactory, befriend, friend_request

pytestmark = pytest.mark.django_db


def test_blocking_returns_the_user_and_blocked_at(api, shahn, shivam):
    response = api(shahn).post("/api/v1/blocks", {"user": str(shivam.id)}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"user", "blocked_at"}
    assert body["user"]["id"] == str(shivam.id) and body["blocked_at"]
    assert is_blocked_between(shivam.id, shahn.id)


def test_blocking_again_is_200_with_the_same_body(api, shahn, shivam):
    client = api(shahn)
    first = client.post("/api/v1/blocks", {"user": str(shivam.id)}, format="json")
    again = client.post("/api/v1/blocks", {"user": str(shivam.id)}, format="json")
    assert again.status_code == 200 and again.json() == first.json()
    assert Block.objects.count() == 1


def test_blocking_ends_the_friendship_and_pending_requests_both_ways(api, shahn, shivam):
    theirs = friend_request(shivam, shahn)
    mine = FriendRequest.objects.create(from_user=shahn, to_user=shivam)  # both pending at once
    assert api(shahn).post("/api/v1/blocks", {"user": str(shivam.id)}, format="json").status_code == 201
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.status, mine.status) == ("rejected", "withdrawn")
    assert theirs.responded_at and mine.responded_at


def test_blocking_a_friend_unfriends(api, shahn, shivam):
    befriend(shahn, shivam)
    api(shivam).post("/api/v1/blocks", {"user": str(shahn.id)}, format="json")
    assert not are_friends(shahn.id, shivam.id)
    assert api(shahn).get("/api/v1/friends").json()["results"] == []


def test_a_block_hides_each_from_the_others_search(api, shahn, shivam):
    api(shahn).post("/api/v1/blocks", {"user": str(shivam.id)}, format="json")
    assert api(shahn).get("/api/v1/users?search=shi").json()["results"] == []
    assert api(shivam).get("/api/v1/users?search=sha").json()["results"] == []


def test_blocking_yourself_or_an_unknown_user_is_400_naming_user(api, shahn):
    for user in [str(shahn.id), str(uuid.uuid4()), "nope"]:
        response = api(shahn).post("/api/v1/blocks", {"user": user}, format="json")
        assert response.status_code == 400 and "user" in response.json()["fields"]


def test_the_blocks_list_shows_only_the_users_you_blocked(api, shahn, shivam, udit):
    api(shahn).post("/api/v1/blocks", {"user": str(shivam.id)}, format="json")
    api(udit).post("/api/v1/blocks", {"user": str(shahn.id)}, format="json")
    response = api(shahn).get("/api/v1/blocks")
    assert response.status_code == 200
    assert [b["user"]["username"] for b in response.json()["results"]] == ["shivam"]
    assert response.json()["next"] is None


@pytest.mark.parametrize("count", [1, 50])
def test_listing_blocks_takes_a_constant_number_of_queries(api, shahn, django_assert_num_queries, count):
    for user in UserFactory.create_batch(count):
        Block.objects.create(blocker=shahn, blocked=user)
    client = api(shahn)
    with django_assert_num_queries(2):  # the token (with its user), the page
        response = client.get("/api/v1/blocks")
    assert len(response.json()["results"]) == count


def test_unblocking_lifts_the_block(api, shahn, shivam):
    api(shahn).post("/api/v1/blocks", {"user": str(shivam.id)}, format="json")
    assert api(shahn).delete(f"/api/v1/blocks/{shivam.id}").status_code == 204
    assert not is_blocked_between(shahn.id, shivam.id)
    response = api(shivam).post("/api/v1/friend-requests", {"to": str(shahn.id)}, format="json")
    assert response.status_code == 201


def test_unblocking_someone_not_blocked_is_404(api, shahn, shivam):
    response = api(shahn).delete(f"/api/v1/blocks/{shivam.id}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_blocked_person_cannot_lift_the_block(api, shahn, shivam):
    api(shahn).post("/api/v1/blocks", {"user": str(shivam.id)}, format="json")
    assert api(shivam).delete(f"/api/v1/blocks/{shahn.id}").status_code == 404
    assert is_blocked_between(shahn.id, shivam.id)
