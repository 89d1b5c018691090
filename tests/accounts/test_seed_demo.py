from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from friends.models import FriendRequest, Friendship
from messaging.models import Chat, Message

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (User.objects.count(), Friendship.objects.count(), FriendRequest.objects.count(),
            Chat.objects.count(), Message.objects.count())


def test_it_loads_the_people_of_the_design_notes_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert set(User.objects.values_list("username", flat=True)) == {"shahn", "shivam", "udit", "kai", "jorden", "wendy"}
    assert FriendRequest.objects.get().greeting == "hi"
    assert Message.objects.filter(text="helloo", sender__username="shivam").exists()
    group = Chat.objects.get(kind="group", name="group-1")
    assert group.participants.count() == 3 and group.messages.filter(kind="text").count() == 3
    output = capsys.readouterr().out
    assert "chaat-demo-2026" in output and "wendy" in output


def test_the_demo_people_can_log_in(anon):
    call_command("seed_demo")
    response = anon.post("/api/v1/auth/login", {"username": "kai", "password": "chaat-demo-2026"}, format="json")
    assert response.status_code == 200
