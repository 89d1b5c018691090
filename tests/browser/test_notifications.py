"""The installable site in Chromium: the service worker registers on every page, the manifest makes
the site installable, a push delivered to the worker shows a notification (title, body, icon) whose
click target is the conversation, and the notification settings pages."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.models import Participant
from messaging.services.chats import create_group, get_or_create_direct_chat
from messaging.services.members import update_chat_settings
from tests.browser.conftest import in_thread, shot, signed_in_page
from tests.concurrency import wait_for
from tests.factories import befriend

pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chats(shahn, shivam, udit):
    """Made before the browser starts (see in_thread): a group, and a direct chat shahn muted."""
    befriend(shahn, shivam)
    befriend(shahn, udit)
    group = create_group(actor=shahn, name="Lunch", member_ids=[shivam.id, udit.id])
    direct = get_or_create_direct_chat(actor=shahn, other_id=udit.id)[0]
    update_chat_settings(actor=shahn, chat_id=direct.id,
                         changes={"muted_until": timezone.now() + timedelta(hours=8)})
    return group, direct


def test_the_site_installs_and_a_push_shows_a_notification_that_opens_the_chat(chats, live_servers, chromium, shahn):
    group, direct = chats
    (server,) = live_servers(1)
    page = signed_in_page(chromium, server, shahn)
    page.context.grant_permissions(["notifications"], origin=server.url().rstrip("/"))
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")

    page.goto(server.url("/chats"))
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == server.url("/")
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [] and manifest["url"] == server.url("/manifest.webmanifest")
    # Installable but for being a fresh profile without a user's engagement, as Chromium says.
    errors = {e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]}
    assert not errors - {"in-incognito", "no-icon-available"}, errors
    row = page.locator(f"#chat-{direct.id}")
    assert row.locator("img.chat-muted").count() == 1
    assert page.locator(f"#chat-{group.id} img.chat-muted").count() == 0
    shot(page, "notifications-inbox-muted")

    registration_id = wait_for(lambda: next((r["registrationId"] for r in registrations
                                              if r["scopeURL"] == server.url("/")), None))
    payload = {"type": "message", "chat_id": str(group.id), "seq": 2, "title": "Shivam · Lunch",
               "body": "Lunch at one?", "url": f"/chats/{group.id}"}
    cdp.send("ServiceWorker.deliverPushMessage", {"origin": server.url().rstrip("/"),
                                                  "registrationId": registration_id, "data": json.dumps(payload)})
    shown = wait_for(lambda: page.evaluate(
        "navigator.serviceWorker.ready.then(r => r.getNotifications())"
        ".then(ns => ns.map(n => ({title: n.title, body: n.body, icon: n.icon, tag: n.tag, url: n.data.url})))"))
    assert shown == [{"title": "Shivam · Lunch", "body": "Lunch at one?", "icon": server.url("/static/icons/icon-192.png"),
                      "tag": f"chat-{group.id}", "url": f"/chats/{group.id}"}]

    page.goto(server.url("/settings/notifications"))
    page.wait_for_selector(".push-status[data-state='tOff']")
    assert page.locator(".push-on").is_visible()
    shot(page, "notifications-settings")

    page.goto(server.url(f"/chats/{group.id}/settings"))
    page.check("#chat-notifications input[value='mentions']")
    page.click("#chat-notifications form:first-of-type button[type=submit]")
    page.wait_for_selector(".toast")
    assert in_thread(lambda: Participant.objects.get(chat=group, user=shahn).notify) == "mentions"
    page.locator("#chat-notifications").scroll_into_view_if_needed()
    shot(page, "notifications-chat-settings")
    page.goto(server.url("/profile"))
    page.wait_for_selector("#email-h")
    page.locator("#notifications-h").scroll_into_view_if_needed()
    shot(page, "notifications-profile")
    page.goto(server.url("/password-reset"))
    page.fill("#id_username_or_email", "shahn")
    page.click("main button[type=submit]")
    page.wait_for_selector("main [role=status]")
    shot(page, "password-reset-sent")
    assert page.errors == []
