"""Deactivating a user or setting their password, from anywhere (the admin, a shell, a service),
revokes their tokens and sessions and closes their open sockets with 4401 at once; a socket
also checks its user again on each heartbeat (contract v1.1, clarifications)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from accounts.models import AuthToken, User
from accounts.services import issue_token
from tests.factories import UserFactory
from tests.live.conftest import SITE, close_code, opened, run_async, session_cookie, socket

pytestmark = pytest.mark.django_db(transaction=True)


def _deactivate(user_id) -> None:
    user = User.objects.get(pk=user_id)  # as a shell or a script would
    user.is_active = False
    user.save()


def _set_password(user_id) -> None:
    user = User.objects.get(pk=user_id)
    user.set_password("set-from-a-shell-2026")
    user.save()


def _admin_deactivates(user_id) -> int:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    user = User.objects.get(pk=user_id)
    page = reverse("admin:accounts_user_change", args=[user.pk])
    response = client.post(page, {"username": user.username, "display_name": user.display_name,
                                  "language": user.language, "is_active": "", "date_joined_0": "2026-01-01",
                                  "date_joined_1": "00:00:00"})
    return response.status_code


def _admin_sets_password(user_id) -> int:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    page = reverse("admin:auth_user_password_change", args=[user_id])
    new = "set-by-the-admin-2026"
    return client.post(page, {"password1": new, "password2": new, "usable_password": "true"}).status_code


@pytest.mark.parametrize("change", [_deactivate, _set_password], ids=["deactivation", "password"])
@run_async
async def test_a_change_made_from_a_shell_revokes_tokens_and_closes_every_socket(shahn, change):
    token = await sync_to_async(issue_token)(user=shahn)
    session = await sync_to_async(session_cookie)(shahn)
    by_token, by_session = await opened(socket(token=token)), await opened(socket(session=session, origin=SITE))
    await sync_to_async(change)(shahn.pk)
    assert await close_code(by_token, timeout=1) == 4401
    assert await close_code(by_session, timeout=1) == 4401
    assert not await sync_to_async(AuthToken.objects.filter(user=shahn).exists)()
    response = await sync_to_async(Client().get)("/api/v1/me", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401
    for communicator in (by_token, by_session):
        await communicator.disconnect()


@pytest.mark.parametrize("change", [_admin_deactivates, _admin_sets_password], ids=["deactivation", "password"])
@run_async
async def test_a_change_made_in_the_admin_closes_every_socket(shahn, change):
    token = await sync_to_async(issue_token)(user=shahn)
    by_token = await opened(socket(token=token))
    assert await sync_to_async(change)(shahn.pk) == 302
    assert await close_code(by_token, timeout=1) == 4401
    assert not await sync_to_async(AuthToken.objects.filter(user=shahn).exists)()
    await by_token.disconnect()


@run_async
async def test_a_socket_checks_its_user_again_on_its_heartbeat(shahn, settings):
    settings.PRESENCE_HEARTBEAT = 0.2
    token = await sync_to_async(issue_token)(user=shahn)
    by_token = await opened(socket(token=token))
    # A bulk update passes no model code at all: only the heartbeat notices it.
    await sync_to_async(User.objects.filter(pk=shahn.pk).update)(is_active=False)
    assert await close_code(by_token, timeout=1.5) == 4401
    await by_token.disconnect()
