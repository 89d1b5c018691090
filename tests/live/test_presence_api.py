"""GET /api/v1/presence: which friends are online, from the sockets they hold."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from accounts.services import issue_token
from messaging import selectors
from tests.factories import UserFactory, befriend
from tests.live.conftest import opened, run_async, socket

pytestmark = pytest.mark.django_db(transaction=True)


def get(client, query: str = ""):
    return client.get(f"/api/v1/presence{query}")


@run_async
async def test_it_tells_which_friends_hold_a_socket(api, shahn, shivam, udit, kai):
    for friend in (shivam, udit):
        await sync_to_async(befriend)(shahn, friend)
    sockets = [await opened(socket(token=await sync_to_async(issue_token)(user=u))) for u in (shivam, kai)]
    response = await sync_to_async(get)(await sync_to_async(api)(shahn))
    assert response.status_code == 200
    assert sorted((r["user_id"], r["online"]) for r in response.json()["results"]) == sorted(
        [(str(shivam.id), True), (str(udit.id), False)]  # kai is online but no friend: left out
    )
    assert await sync_to_async(selectors.is_online)(kai.id)
    for communicator in sockets:
        await communicator.disconnect()
    assert not await sync_to_async(selectors.is_online)(shivam.id)


def test_it_narrows_to_the_users_asked_for_and_leaves_out_strangers(api, shahn, shivam, udit, kai):
    befriend(shahn, shivam)
    befriend(shahn, udit)
    response = get(api(shahn), f"?user={shivam.id}&user={kai.id}")
    assert response.json() == {"results": [{"user_id": str(shivam.id), "online": False}], "next": None}


def test_a_user_that_is_not_an_id_is_400(api, shahn):
    response = get(api(shahn), "?user=nope")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "user" in str(response.json()["fields"])


def test_it_needs_authentication(anon):
    assert get(anon).status_code == 401


@pytest.mark.parametrize("friends", [1, 50])
def test_it_makes_the_same_queries_for_1_or_50_friends(api, shahn, friends, django_assert_num_queries):
    for n in range(friends):
        befriend(shahn, UserFactory(username=f"friend{n}"))
    client = api(shahn)
    with django_assert_num_queries(2):  # the token, the friend ids
        response = get(client)
    assert len(response.json()["results"]) == friends
