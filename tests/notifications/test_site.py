"""The installable site: manifest, service worker, the notifications page, a chat's notification
settings, and muted chats in the inbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from messaging.models import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(shahn):
    client = Client()
    client.force_login(shahn)
    return client


def test_the_manifest_names_the_app_its_start_and_icons_in_the_visitors_language(client):
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="de")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert (manifest["name"], manifest["start_url"], manifest["display"], manifest["lang"]) == (
        "Chaat", "/chats", "standalone", "de")
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_every_page_links_the_manifest(site):
    assert b'rel="manifest" href="/manifest.webmanifest"' in site.get("/chats").content


def test_the_service_worker_is_served_at_the_root_as_javascript(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b'addEventListener("push"' in b"".join(response.streaming_content)


def test_the_notifications_page_needs_a_login_and_offers_the_switch(client, site):
    assert client.get("/settings/notifications").status_code == 302
    page = site.get("/settings/notifications", HTTP_ACCEPT_LANGUAGE="es")
    assert b'id="push-settings"' in page.content and b"js/push.js" in page.content


def test_a_chats_notifications_are_set_and_muted_from_its_settings_page(site, shahn, group):
    chat_id = group["id"]
    assert b'id="chat-notifications"' in site.get(f"/chats/{chat_id}/settings").content
    assert site.post(f"/chats/{chat_id}/notifications", {"notify": "mentions"}).status_code == 302
    assert site.post(f"/chats/{chat_id}/notifications", {"mute": "8h"}).status_code == 302
    me = Participant.objects.get(chat_id=chat_id, user=shahn)
    assert me.notify == "mentions"
    assert timezone.now() + timedelta(hours=7) < me.muted_until <= timezone.now() + timedelta(hours=8)
    site.post(f"/chats/{chat_id}/notifications", {"mute": "unmute"})
    me.refresh_from_db()
    assert me.muted_until is None


def test_a_chat_that_is_not_yours_is_404(client, shivam, kai, group):
    client.force_login(kai)
    assert client.post(f"/chats/{group['id']}/notifications", {"notify": "none"}).status_code == 404


def test_muted_chats_are_shown_muted_in_the_inbox_with_their_unread_count(site, api, shahn, shivam, group):
    from tests.messaging.conftest import send

    send(api(shivam), group["id"], "unread")
    assert b"chat-muted" not in site.get("/chats").content
    site.post(f"/chats/{group['id']}/notifications", {"mute": "1d"})
    page = site.get("/chats").content.decode()
    assert "chat-muted" in page
    assert 'class="badge unread" title="Unread messages">1<' in page
