from __future__ import annotations

import pytest

from friends.models import Block, FriendRequest
from friends.selectors import are_friends, is_blocked_between
from tests.factories import UserFactory, befriend, friend_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_requests_are_filtered_by_status_and_searched_by_username(staff_client, shahn, shivam, udit):
    friend_request(shahn, shivam)
    friend_request(udit, shahn)
    response = staff_client.get("/admin/friends/friendrequest/?status__exact=pending&q=udit")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_the_pages_of_friendships_and_blocks_load(staff_client, shahn, shivam, udit):
    befriend(shahn, shivam)
    Block.objects.create(blocker=udit, blocked=shahn)
    assert staff_client.get("/admin/friends/friendship/?q=shahn").context["cl"].result_count == 1
    assert staff_client.get("/admin/friends/block/").status_code == 200


def test_admin_actions_go_through_the_services(staff_client, shahn, shivam, udit, kai):
    friendship = befriend(shahn, shivam)
    request = friend_request(udit, shahn)
    block = Block.objects.create(blocker=udit, blocked=kai)
    staff_client.post("/admin/friends/friendship/", {"action": "end", "_selected_action": [friendship.pk]})
    staff_client.post("/admin/friends/friendrequest/", {"action": "withdraw", "_selected_action": [request.pk]})
    staff_client.post("/admin/friends/block/", {"action": "lift", "_selected_action": [block.pk]})
    assert not are_friends(shahn.id, shivam.id)
    assert FriendRequest.objects.get(pk=request.pk).status == "withdrawn"
    assert not is_blocked_between(udit.id, kai.id)


def test_staff_without_the_change_permission_get_no_actions(client, shahn, shivam):
    viewer = UserFactory(username="viewer", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_friendship"))
    befriend(shahn, shivam)
    client.force_login(viewer)
    response = client.get("/admin/friends/friendship/")
    assert response.status_code == 200 and 'name="action"' not in response.content.decode()
    assert are_friends(shahn.id, shivam.id)
