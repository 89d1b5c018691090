from __future__ import annotations

import pytest
from django.test import Client

from friends.models import Block, FriendRequest, Friendship
from friends.selectors import are_friends, is_blocked_between
from tests.factories import befriend, friend_request

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_friends_page_needs_login(client):
    response = client.get("/friends")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_page_lists_friends_requests_and_blocks(shahn, shivam, udit, kai):
    befriend(shahn, shivam)
    friend_request(udit, shahn, "Hello from Udit")
    friend_request(shahn, kai, "Hi Kai")
    page = signed_in(shahn).get("/friends").content.decode()
    assert "Shivam" in page and "Hello from Udit" in page and "Hi Kai" in page
    assert 'action="/chats/direct"' in page and f'name="user" value="{shivam.id}"' in page
    assert "<script>" not in page.split("<main")[1] and " style=" not in page


def test_a_greeting_is_shown_escaped_and_never_linkified(shahn, shivam):
    friend_request(shivam, shahn, '<img src=x onerror=alert(1)> https://evil.example')
    page = signed_in(shahn).get("/friends").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; https://evil.example" in page
    assert "<img src=x" not in page and 'href="https://evil.example"' not in page


def test_searching_offers_a_request_form_with_a_greeting(shahn, shivam, udit):
    befriend(shahn, udit)
    page = signed_in(shahn).get("/friends?q=s").content.decode()
    assert f'name="to" value="{shivam.id}"' in page and 'maxlength="200"' in page
    page = signed_in(shahn).get("/friends?q=u").content.decode()
    assert f'name="to" value="{udit.id}"' not in page  # already a friend


def test_sending_a_request_from_the_page(shahn, shivam):
    client = signed_in(shahn)
    response = client.post("/friends/requests", {"to": shivam.id, "greeting": "Hey there", "q": "shi"})
    assert response.status_code == 302 and response["Location"] == "/friends?q=shi"
    request = FriendRequest.objects.get(from_user=shahn, to_user=shivam)
    assert request.greeting == "Hey there"
    assert "Friend request sent" in client.get(response["Location"]).content.decode()


def test_the_server_refuses_a_greeting_over_200_characters(shahn, shivam):
    client = signed_in(shahn)
    response = client.post("/friends/requests", {"to": shivam.id, "greeting": "x" * 201}, follow=True)
    assert response.status_code == 200
    assert not FriendRequest.objects.exists()
    assert "200" in response.content.decode()


def test_an_error_from_the_service_is_shown(shahn, shivam):
    befriend(shahn, shivam)
    response = signed_in(shahn).post("/friends/requests", {"to": shivam.id}, follow=True)
    assert "already friends" in response.content.decode()


def test_accepting_and_withdrawing_from_the_page(shahn, shivam, udit):
    incoming = friend_request(shivam, shahn)
    outgoing = friend_request(shahn, udit)
    client = signed_in(shahn)
    assert client.post(f"/friends/requests/{incoming.id}/accept").status_code == 302
    assert client.post(f"/friends/requests/{outgoing.id}/withdraw").status_code == 302
    assert are_friends(shahn.id, shivam.id)
    outgoing.refresh_from_db()
    assert outgoing.status == "withdrawn"


def test_an_unknown_action_is_404(shahn, shivam):
    request = friend_request(shivam, shahn)
    assert signed_in(shahn).post(f"/friends/requests/{request.id}/explode").status_code == 404


def test_declining_asks_first_without_javascript(shahn, shivam):
    request = friend_request(shivam, shahn)
    client = signed_in(shahn)
    response = client.post(f"/friends/requests/{request.id}/reject")
    assert response.status_code == 200 and 'name="confirmed" value="1"' in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"
    assert client.post(f"/friends/requests/{request.id}/reject", {"confirmed": "1"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "rejected"


def test_unfriending_asks_first_then_removes(shahn, shivam):
    befriend(shahn, shivam)
    client = signed_in(shahn)
    response = client.post(f"/friends/{shivam.id}/remove")
    assert response.status_code == 200 and "Shivam" in response.content.decode()
    assert are_friends(shahn.id, shivam.id)
    assert client.post(f"/friends/{shivam.id}/remove", {"confirmed": "1"}).status_code == 302
    assert not Friendship.objects.exists()


def test_blocking_asks_first_then_blocks_and_unblocking_lifts_it(shahn, shivam):
    friend_request(shivam, shahn)
    client = signed_in(shahn)
    confirm = client.post("/friends/blocks", {"user": shivam.id})
    assert confirm.status_code == 200 and f'value="{shivam.id}"' in confirm.content.decode()
    assert not Block.objects.exists()
    assert client.post("/friends/blocks", {"user": shivam.id, "confirmed": "1"}).status_code == 302
    assert is_blocked_between(shahn.id, shivam.id)
    page = client.get("/friends").content.decode()
    assert f"/friends/blocks/{shivam.id}/remove" in page
    assert client.post(f"/friends/blocks/{shivam.id}/remove").status_code == 302
    assert not is_blocked_between(shahn.id, shivam.id)


def test_actions_need_post(shahn, shivam):
    assert signed_in(shahn).get(f"/friends/{shivam.id}/remove").status_code == 405
