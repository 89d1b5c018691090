from __future__ import annotations

import uuid

import pytest

from friends.models import Friendship
from friends.selectors import are_friends, list_friends
from tests.factories import UserFactory, befriend

pytestmark = pytest.mark.django_db


def test_friends_are_listed_with_the_user_and_since(api, shahn, shivam, udit, kai):
    befriend(shahn, udit)
    friendship = befriend(shivam, shahn)
    befriend(udit, kai)
    response = api(shahn).get("/api/v1/friends")
    assert response.status_code == 200
    body = response.json()
    assert [f["user"]["username"] for f in body["results"]] == ["shivam", "udit"]
    assert body["next"] is None
    first = body["results"][0]
    assert set(first) == {"user", "since"}
    assert set(first["user"]) == {"id", "username", "display_name", "avatar_url"}
    assert first["user"]["id"] == str(shivam.id)
    assert first["since"] == friendship.since.isoformat().replace("+00:00", "Z")


def test_friendship_is_symmetric(api, shahn, shivam):
    befriend(shahn, shivam)
    assert [f["user"]["username"] for f in api(shivam).get("/api/v1/friends").json()["results"]] == ["shahn"]


def test_friends_are_paginated_with_a_cursor(api, shahn):
    for user in UserFactory.create_batch(60):
        befriend(shahn, user)
    client = api(shahn)
    first = client.get("/api/v1/friends").json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 50 and len(second["results"]) == 10 and second["next"] is None
    names = [f["user"]["username"] for f in first["results"] + second["results"]]
    assert names == sorted(names) and len(set(names)) == 60


@pytest.mark.parametrize("count", [1, 50])
def test_listing_friends_takes_a_constant_number_of_queries(api, shahn, django_assert_num_queries, count):
    for user in UserFactory.create_batch(count):
        befriend(user, shahn)
    client = api(shahn)
    with django_assert_num_queries(2):  # the token (with its user), the page
        response = client.get("/api/v1/friends")
    assert len(response.json()["results"]) == count


def test_list_friends_gives_users_in_one_query(shahn, shivam, udit, django_assert_num_queries):
    befriend(shahn, shivam)
    befriend(udit, shahn)
    with django_assert_num_queries(1):
        users = list(list_friends(shahn))
    assert [u.username for u in users] == ["shivam", "udit"]
    assert all(u.friends_since for u in users)


def test_unfriending_removes_the_friendship_for_both(api, shahn, shivam):
    befriend(shahn, shivam)
    response = api(shivam).delete(f"/api/v1/friends/{shahn.id}")
    assert response.status_code == 204
    assert not are_friends(shahn.id, shivam.id)
    assert api(shahn).get("/api/v1/friends").json()["results"] == []


def test_unfriending_someone_who_is_not_a_friend_is_404(api, shahn, shivam):
    response = api(shahn).delete(f"/api/v1/friends/{shivam.id}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert api(shahn).delete(f"/api/v1/friends/{uuid.uuid4()}").status_code == 404


def test_after_unfriending_a_new_request_can_be_sent(api, shahn, shivam):
    befriend(shahn, shivam)
    api(shahn).delete(f"/api/v1/friends/{shivam.id}")
    response = api(shahn).post("/api/v1/friend-requests", {"to": str(shivam.id)}, format="json")
    assert response.status_code == 201
    assert Friendship.objects.count() == 0


def test_befriend_pair_makes_friends_once_and_respects_blocks(shahn, shivam, udit):
    from friends import errors, services

    first = services.befriend_pair(a=shahn, b=shivam)
    assert services.befriend_pair(a=shivam, b=shahn) == first
    assert Friendship.objects.count() == 1
    services.block_user(actor=udit, user_id=shahn.id)
    with pytest.raises(errors.Blocked):
        services.befriend_pair(a=shahn, b=udit)
