"""User text never renders as HTML: each payload, planted through the product, must come back
escaped (and never as markup) on every page that shows it.

To cover a new page, add a Sink: `plant(cast, payload)` writes the payload through the product's
services and returns the (client, path) pairs that show it. `needs` names what must exist for the
sink to apply (a function or a URL name); a sink whose feature has not landed is skipped."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils.html import escape

from tests.factories import UserFactory, befriend
from tests.hardening.markup import inline_code

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '" onmouseover="alert(1)',
    "' autofocus onfocus='alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<style>*{display:none}</style>",
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!--<script>alert(1)</script>-->",
    "]]><script>alert(1)</script>",
    "{{ 7|add:7 }} {% csrf_token %}",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
]


@dataclass
class Cast:
    viewer: object
    author: object
    staff: object

    def client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client


@dataclass
class Sink:
    name: str
    plant: Callable[[Cast, str], list[tuple[Client, str]]]
    needs: tuple[str, ...] = field(default=())


def _missing(needs: tuple[str, ...]) -> list[str]:
    """The needs that do not exist yet: `module.attr` names or URL names."""
    missing = []
    for need in needs:
        if "." in need:
            module, _, attr = need.rpartition(".")
            try:
                if not hasattr(importlib.import_module(module), attr):
                    missing.append(need)
            except ImportError:
                missing.append(need)
        elif need not in get_resolver().reverse_dict:
            missing.append(need)
    return missing


def assert_shown_as_text(html: str, payload: str, where: str) -> None:
    """The payload is on the page, escaped, and nothing on the page would run or style inline."""
    assert escape(payload) in html, f"{where}: the text is not shown (or shown differently)"
    if escape(payload) != payload:
        assert payload not in html, f"{where}: the text is rendered as markup"
    assert inline_code(html) == [], f"{where}: markup from user text"


# --- sinks ---------------------------------------------------------------------------------------


def display_name_on_own_profile(cast: Cast, payload: str):
    from accounts.services import update_profile

    update_profile(user=cast.viewer, display_name=payload)
    return [(cast.client(cast.viewer), "/profile")]


def display_name_in_admin(cast: Cast, payload: str):
    from accounts.services import update_profile

    update_profile(user=cast.author, display_name=payload)
    staff = cast.client(cast.staff)
    return [(staff, "/admin/accounts/user/"), (staff, f"/admin/accounts/user/{cast.author.pk}/change/"),
            (staff, f"/admin/accounts/user/?q={cast.author.username}")]


def display_name_in_welcome_toast(cast: Cast, payload: str):
    client = Client()
    client.get("/signup")
    response = client.post("/signup", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value,
                                       "username": f"new{uuid.uuid4().hex[:8]}", "display_name": payload,
                                       "password": "a-long-and-new-password"})
    assert response.status_code == 302
    return [(client, response["Location"])]


def display_name_in_friends_list(cast: Cast, payload: str):
    from accounts.services import update_profile

    befriend(cast.viewer, cast.author)
    update_profile(user=cast.author, display_name=payload)
    return [(cast.client(cast.viewer), "/friends")]


def greeting_of_a_friend_request(cast: Cast, payload: str):
    from friends.services import send_friend_request

    send_friend_request(actor=cast.author, to_user_id=cast.viewer.id, greeting=payload)
    return [(cast.client(cast.viewer), "/friends")]


def message_text_in_the_inbox_and_chat(cast: Cast, payload: str):
    from messaging.services.chats import get_or_create_direct_chat
    from messaging.services.sending import send_message

    befriend(cast.viewer, cast.author)
    chat, _ = get_or_create_direct_chat(actor=cast.author, other_id=cast.viewer.id)
    send_message(actor=cast.author, chat_id=chat.id, client_id=uuid.uuid4(), kind="text", text=payload)
    viewer = cast.client(cast.viewer)
    return [(viewer, "/chats"), (viewer, reverse("chat", args=[chat.id]))]


def group_name_in_the_inbox_and_chat(cast: Cast, payload: str):
    from messaging.services.chats import create_group

    befriend(cast.viewer, cast.author)
    chat = create_group(actor=cast.author, name=payload, member_ids=[cast.viewer.id])
    viewer = cast.client(cast.viewer)
    return [(viewer, "/chats"), (viewer, reverse("chat", args=[chat.id]))]


def match_report_reason_in_admin(cast: Cast, payload: str):
    from matching.models import Report

    report = _report(cast, payload)
    staff = cast.client(cast.staff)
    meta = Report._meta
    return [(staff, f"/admin/{meta.app_label}/{meta.model_name}/"),
            (staff, f"/admin/{meta.app_label}/{meta.model_name}/{report.pk}/change/")]


def _report(cast: Cast, payload: str):
    from matching import services
    from matching.models import Report

    services.join_queue(actor=cast.viewer)
    match = services.join_queue(actor=cast.author)
    services.report_match(actor=cast.viewer, match_id=match.id, reason=payload)
    return Report.objects.get()


SINKS = [
    Sink("display name on the own profile page", display_name_on_own_profile),
    Sink("display name in the admin's user list and form", display_name_in_admin),
    Sink("display name in the welcome toast after sign-up", display_name_in_welcome_toast),
    Sink("display name in the friends list", display_name_in_friends_list, ("friends.selectors.list_friends",)),
    Sink("greeting of a friend request", greeting_of_a_friend_request, ("friends.services.send_friend_request",)),
    Sink("message text in the inbox and the chat page", message_text_in_the_inbox_and_chat, ("chat",)),
    Sink("group name in the inbox and the chat page", group_name_in_the_inbox_and_chat,
         ("chat", "messaging.services.chats.create_group")),
    Sink("match report reason in the admin", match_report_reason_in_admin,
         ("matching.services.report_match", "matching.models.Report")),
]


@pytest.fixture
def cast(db):
    return Cast(viewer=UserFactory(username="viewer"), author=UserFactory(username="author"),
                staff=UserFactory(username="root", is_staff=True, is_superuser=True))


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("sink", SINKS, ids=lambda s: s.name.replace(" ", "-"))
def test_user_text_is_shown_escaped_never_as_markup(sink, payload, cast):
    missing = _missing(sink.needs)
    if missing:
        pytest.skip(f"not on this branch yet: {', '.join(missing)}")
    for client, path in sink.plant(cast, payload):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert_shown_as_text(response.content.decode(), payload, f"{sink.name} at {path}")
