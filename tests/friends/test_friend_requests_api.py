from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from friends.models import FriendRequest, Friendship
from friends.selectors import are_friends
from tests.factories import UserFactory, befriend, friend_request

pytestmark = pytest.mark.django_db


def test_sending_a_request_returns_it_pending_with_both_users(api, shahn, shivam):
    response = api(shahn).post("/api/v1/friend-requests", {"to": str(shivam.id), "greeting": "Hi!"},
                               format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "from_user", "to_user", "greeting", "status", "sent_at", "responded_at"}
    assert body["from_user"]["username"] == "shahn" and body["to_user"]["username"] == "shivam"
    assert set(body["to_user"]) == {"id", "username", "display_name", "avatar_url"}
    assert (body["greeting"], body["status"], body["responded_at"]) == ("Hi!", "pending", None)
    assert FriendRequest.objects.get(pk=body["id"]).status == "pending"


def test_the_greeting_is_optional(api, shahn, shivam):
    response = api(shahn).post("/api/v1/friend-requests", {"to": str(shivam.id)}, format="json")
    assert response.status_code == 201 and response.json()["greeting"] == ""


def test_a_greeting_of_200_characters_is_fine_and_201_is_400(api, shahn, shivam, udit):
    ok = api(shahn).post("/api/v1/friend-requests", {"to": str(shivam.id), "greeting": "é" * 200},
                         format="json")
    assert ok.status_code == 201
    too_long = api(shahn).post("/api/v1/friend-requests", {"to": str(udit.id), "greeting": "x" * 201},
                               format="json")
    assert too_long.status_code == 400
    assert too_long.json()["code"] == "invalid" and "greeting" in too_long.json()["fields"]
    assert not FriendRequest.objects.filter(to_user=udit).exists()


def test_the_greeting_is_stored_as_plain_text(api, shahn, shivam):
    greeting = '<script>alert("x")</script> https://example.com'
    body = api(shahn).post("/api/v1/friend-requests", {"to": str(shivam.id), "greeting": greeting},
                           format="json").json()
    assert body["greeting"] == greeting


def test_a_request_to_yourself_is_400(api, shahn):
    response = api(shahn).post("/api/v1/friend-requests", {"to": str(shahn.id)}, format="json")
    assert response.status_code == 400 and "to" in response.json()["fields"]


@pytest.mark.parametrize("to", [str(uuid.uuid4()), "not-a-uuid", None])
def test_a_request_to_an_unknown_user_is_400_naming_to(api, shahn, to):
    response = api(shahn).post("/api/v1/friend-requests", {"to": to}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "to" in response.json()["fields"]


def test_a_request_to_a_friend_is_409_already_friends(api, shahn, shivam):
    befriend(shahn, shivam)
    response = api(shahn).post("/api/v1/friend-requests", {"to": str(shivam.id)}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "already_friends"


def test_a_second_pending_request_to_the_same_person_is_409_request_pending(api, shahn, shivam):
    client = api(shahn)
    assert client.post("/api/v1/friend-requests", {"to": str(shivam.id)}, format="json").status_code == 201
    response = client.post("/api/v1/friend-requests", {"to": str(shivam.id)}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "request_pending"
    assert FriendRequest.objects.filter(from_user=shahn).count() == 1


def test_a_mutual_request_makes_both_friends_at_once(api, shahn, shivam):
    theirs = friend_request(shivam, shahn, "hello")
    response = api(shahn).post("/api/v1/friend-requests", {"to": str(shivam.id), "greeting": "hey"},
                               format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "accepted" and body["responded_at"] is not None
    theirs.refresh_from_db()
    assert theirs.status == "accepted" and theirs.responded_at is not None
    assert are_friends(shahn.id, shivam.id)
    assert Friendship.objects.count() == 1


def test_a_blocked_user_cannot_send_a_request_either_way(api, shahn, shivam):
    assert api(shahn).post("/api/v1/blocks", {"user": str(shivam.id)}, format="json").status_code == 201
    for actor, target in [(shivam, shahn), (shahn, shivam)]:
        response = api(actor).post("/api/v1/friend-requests", {"to": str(target.id)}, format="json")
        assert response.status_code == 403
        assert response.json() == {"code": "blocked", "detail": response.json()["detail"]}
    assert not FriendRequest.objects.exists()


def test_blocked_takes_precedence_over_cooldown(api, shahn, shivam):
    request = friend_request(shahn, shivam)
    api(shivam).post(f"/api/v1/friend-requests/{request.id}/reject")
    api(shivam).post("/api/v1/blocks", {"user": str(shahn.id)}, format="json")
    response = api(shahn).post("/api/v1/friend-requests", {"to": str(shivam.id)}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "blocked"


def test_after_a_rejection_the_sender_waits_24_hours(api, shahn, shivam):
    request = friend_request(shahn, shivam)
    assert api(shivam).post(f"/api/v1/friend-requests/{request.id}/reject").status_code == 200
    response = api(shahn).post("/api/v1/friend-requests", {"to": str(shivam.id)}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "cooldown"
    FriendRequest.objects.filter(pk=request.pk).update(responded_at=timezone.now() - timedelta(hours=24, minutes=1))
    response = api(shahn).post("/api/v1/friend-requests", {"to": str(shivam.id)}, format="json")
    assert response.status_code == 201


def test_the_rejected_person_may_still_ask_the_other_way(api, shahn, shivam):
    request = friend_request(shahn, shivam)
    api(shivam).post(f"/api/v1/friend-requests/{request.id}/reject")
    response = api(shivam).post("/api/v1/friend-requests", {"to": str(shahn.id)}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "pending"


def test_a_withdrawn_request_can_be_sent_again_at_once(api, shahn, shivam):
    request = friend_request(shahn, shivam)
    api(shahn).post(f"/api/v1/friend-requests/{request.id}/withdraw")
    response = api(shahn).post("/api/v1/friend-requests", {"to": str(shivam.id)}, format="json")
    assert response.status_code == 201


def test_at_most_50_pending_outgoing_requests(api, shahn):
    for user in UserFactory.create_batch(50):
        friend_request(shahn, user)
    response = api(shahn).post("/api/v1/friend-requests", {"to": str(UserFactory().id)}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_pending" and int(response["Retry-After"]) > 0
    assert FriendRequest.objects.filter(from_user=shahn).count() == 50


def test_answered_requests_do_not_count_towards_the_50(api, shahn):
    people = UserFactory.create_batch(50)
    first = friend_request(shahn, people[0])
    for user in people[1:]:
        friend_request(shahn, user)
    api(shahn).post(f"/api/v1/friend-requests/{first.id}/withdraw")
    response = api(shahn).post("/api/v1/friend-requests", {"to": str(UserFactory().id)}, format="json")
    assert response.status_code == 201


def test_a_recipient_gets_at_most_20_new_requests_an_hour(api, shahn):
    senders = UserFactory.create_batch(21)
    for sender in senders[:20]:
        friend_request(sender, shahn)
    response = api(senders[20]).post("/api/v1/friend-requests", {"to": str(shahn.id)}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_requests_received"
    assert 0 < int(response["Retry-After"]) <= 3601
    FriendRequest.objects.filter(to_user=shahn).update(sent_at=timezone.now() - timedelta(minutes=61))
    response = api(senders[20]).post("/api/v1/friend-requests", {"to": str(shahn.id)}, format="json")
    assert response.status_code == 201


def test_the_recipient_accepts_and_the_two_become_friends(api, shahn, shivam):
    request = friend_request(shahn, shivam)
    response = api(shivam).post(f"/api/v1/friend-requests/{request.id}/accept")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted" and response.json()["responded_at"]
    assert are_friends(shahn.id, shivam.id)


def test_the_recipient_rejects(api, shahn, shivam):
    request = friend_request(shahn, shivam)
    response = api(shivam).post(f"/api/v1/friend-requests/{request.id}/reject")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert not are_friends(shahn.id, shivam.id)


def test_the_sender_withdraws(api, shahn, shivam):
    request = friend_request(shahn, shivam)
    response = api(shahn).post(f"/api/v1/friend-requests/{request.id}/withdraw")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


@pytest.mark.parametrize(("who", "action", "code"), [
    ("sender", "accept", "not_recipient"),
    ("sender", "reject", "not_recipient"),
    ("recipient", "withdraw", "not_sender"),
])
def test_a_party_in_the_wrong_role_is_403(api, shahn, shivam, who, action, code):
    request = friend_request(shahn, shivam)
    actor = shahn if who == "sender" else shivam
    response = api(actor).post(f"/api/v1/friend-requests/{request.id}/{action}")
    assert response.status_code == 403 and response.json()["code"] == code
    request.refresh_from_db()
    assert request.status == "pending"


@pytest.mark.parametrize("action", ["accept", "reject", "withdraw"])
def test_a_request_you_are_not_party_to_is_404(api, shahn, shivam, udit, action):
    request = friend_request(shahn, shivam)
    response = api(udit).post(f"/api/v1/friend-requests/{request.id}/{action}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    missing = api(udit).post(f"/api/v1/friend-requests/{uuid.uuid4()}/{action}")
    assert missing.status_code == 404


@pytest.mark.parametrize(("first", "then"), [("withdraw", "accept"), ("reject", "accept"),
                                             ("accept", "reject"), ("accept", "withdraw")])
def test_acting_on_a_request_no_longer_pending_is_409(api, shahn, shivam, first, then):
    request = friend_request(shahn, shivam)
    actor = {"withdraw": shahn, "accept": shivam, "reject": shivam}
    assert api(actor[first]).post(f"/api/v1/friend-requests/{request.id}/{first}").status_code == 200
    response = api(actor[then]).post(f"/api/v1/friend-requests/{request.id}/{then}")
    assert response.status_code == 409 and response.json()["code"] == "not_pending"


def test_listing_filters_by_direction_and_status(api, shahn, shivam, udit, kai):
    incoming = friend_request(shivam, shahn)
    outgoing = friend_request(shahn, udit)
    withdrawn = friend_request(shahn, kai)
    api(shahn).post(f"/api/v1/friend-requests/{withdrawn.id}/withdraw")
    client = api(shahn)

    def ids(query: str) -> list[str]:
        response = client.get(f"/api/v1/friend-requests{query}")
        assert response.status_code == 200
        return [r["id"] for r in response.json()["results"]]

    assert ids("?direction=incoming") == [str(incoming.id)]
    assert ids("?direction=outgoing") == [str(withdrawn.id), str(outgoing.id)]
    assert ids("?direction=outgoing&status=pending") == [str(outgoing.id)]
    assert ids("?status=pending") == [str(outgoing.id), str(incoming.id)]
    assert set(ids("")) == {str(incoming.id), str(outgoing.id), str(withdrawn.id)}
    assert api(kai).get("/api/v1/friend-requests?direction=outgoing").json()["results"] == []


@pytest.mark.parametrize("query", ["?direction=sideways", "?status=maybe"])
def test_an_unknown_filter_value_is_400(api, shahn, query):
    response = api(shahn).get(f"/api/v1/friend-requests{query}")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_requests_are_paginated_with_a_cursor(api, shahn):
    for sender in UserFactory.create_batch(20):
        friend_request(sender, shahn)
    for recipient in UserFactory.create_batch(35):
        friend_request(shahn, recipient)
    client = api(shahn)
    first = client.get("/api/v1/friend-requests").json()
    assert len(first["results"]) == 50 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None
    seen = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(seen)) == 55


@pytest.mark.parametrize("count", [1, 50])
def test_listing_requests_takes_a_constant_number_of_queries(api, shahn,
                                                             django_assert_num_queries, count):
    for sender in UserFactory.create_batch(count):
        FriendRequest.objects.create(from_user=sender, to_user=shahn, greeting="hi")
    client = api(shahn)
    with django_assert_num_queries(2):  # the token (with its user), the page
        response = client.get("/api/v1/friend-requests?direction=incoming&status=pending")
    assert len(response.json()["results"]) == count


def test_the_api_needs_authentication(anon):
    for method, url in [("get", "/api/v1/friends"), ("get", "/api/v1/friend-requests"),
                        ("post", "/api/v1/friend-requests"), ("get", "/api/v1/blocks"),
                        ("post", "/api/v1/blocks"), ("delete", f"/api/v1/friends/{uuid.uuid4()}")]:
        assert getattr(anon, method)(url).status_code == 401
