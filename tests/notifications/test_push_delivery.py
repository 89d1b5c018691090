"""Who gets a push for a new message, what it says, and how a push service's answers are taken.
The pushes go to a push service on loopback and are decrypted with the subscription's keys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chaat.live import presence
from messaging.models import Message
from notifications import push, vapid
from notifications.models import PushSubscription
from tests.messaging.conftest import send
from tests.notifications.conftest import BrowserKeys

pytestmark = pytest.mark.django_db


def subscribe(client, service, path: str) -> BrowserKeys:
    keys = BrowserKeys()
    response = client.post("/api/v1/push/subscriptions",
                           {"endpoint": f"{service.base}{path}", "keys": keys.keys}, format="json")
    assert response.status_code == 201, response.content
    return keys


def deliver_all(message_id) -> int:
    count = 0
    for subscription_id, data in push.deliveries(message_id=message_id):
        push.deliver(subscription_id=subscription_id, data=data)
        count += 1
    return count


def test_a_member_gets_the_payload_encrypted_for_their_subscription(api, shahn, shivam, group, push_service):
    keys = subscribe(api(shivam), push_service, "/push/shivam")
    message = send(api(shahn), group["id"], "Lunch at one?").json()
    assert deliver_all(message["id"]) == 1
    [received] = push_service.wait(1)
    assert received.headers["content-encoding"] == "aes128gcm"
    assert int(received.headers["ttl"]) > 0
    claims = received.vapid_claims()
    assert (claims["k"], claims["aud"], claims["sub"]) == (vapid.public_key(), push_service.base, "mailto:ops@chaat.test")
    assert received.decrypt(keys) == {
        "type": "message", "chat_id": group["id"], "seq": message["seq"], "title": "Shahn · Lunch",
        "body": "Lunch at one?", "url": f"/chats/{group['id']}", "icon": "/static/icons/icon-192.png"}


def test_a_push_job_is_queued_only_when_another_member_has_a_subscription(
        api, shahn, shivam, group, push_service, django_capture_on_commit_callbacks):
    def queued(message_id) -> bool:
        return DBTaskResult.objects.filter(task_path="notifications.tasks.push_new_message",
                                           args_kwargs__kwargs__message_id=message_id).exists()

    subscribe(api(shahn), push_service, "/push/shahn")  # the sender's own does not count
    with django_capture_on_commit_callbacks(execute=True):
        alone = send(api(shahn), group["id"], "Anyone?").json()
    assert not queued(alone["id"])
    subscribe(api(shivam), push_service, "/push/shivam")
    with django_capture_on_commit_callbacks(execute=True):
        heard = send(api(shahn), group["id"], "Shivam?").json()
    assert queued(heard["id"])


def test_the_sender_and_members_with_none_or_muted_get_nothing(api, shahn, shivam, udit, group, push_service):
    subscribe(api(shahn), push_service, "/push/shahn")
    subscribe(api(shivam), push_service, "/push/shivam")
    subscribe(api(udit), push_service, "/push/udit")
    assert api(shivam).patch(f"/api/v1/chats/{group['id']}/me", {"notify": "none"}, format="json").status_code == 200
    muted = (timezone.now() + timedelta(hours=1)).isoformat()
    assert api(udit).patch(f"/api/v1/chats/{group['id']}/me", {"muted_until": muted}, format="json").status_code == 200
    assert deliver_all(send(api(shahn), group["id"]).json()["id"]) == 0


def test_mentions_only_gets_messages_that_mention_them(api, shahn, shivam, group, push_service):
    if not hasattr(Message, "mentions"):
        pytest.skip("messages have no mentions yet")
    subscribe(api(shivam), push_service, "/push/shivam")
    api(shivam).patch(f"/api/v1/chats/{group['id']}/me", {"notify": "mentions"}, format="json")
    assert deliver_all(send(api(shahn), group["id"], "no one in particular").json()["id"]) == 0
    assert deliver_all(send(api(shahn), group["id"], "@shivam lunch?").json()["id"]) == 1


def test_a_member_with_an_open_connection_gets_no_push(api, shahn, shivam, group, push_service):
    subscribe(api(shivam), push_service, "/push/shivam")
    async_to_sync(presence.connect)(shivam.id, "test-conn")
    try:
        assert deliver_all(send(api(shahn), group["id"]).json()["id"]) == 0
    finally:
        async_to_sync(presence.disconnect)(shivam.id, "test-conn")
    assert deliver_all(send(api(shahn), group["id"]).json()["id"]) == 1


def test_the_body_is_cut_at_100_characters_and_a_sticker_says_so_in_their_language(
        api, shahn, shivam, group, push_service):
    keys = subscribe(api(shivam), push_service, "/push/shivam")
    shivam.language = "de"
    shivam.save(update_fields=["language"])
    deliver_all(send(api(shahn), group["id"], "x" * 150).json()["id"])
    message = Message.objects.filter(chat_id=group["id"]).order_by("-seq").first()
    message.kind, message.text = Message.Kind.STICKER, ""
    assert push.payload(message, language="de")["body"] == "Sticker"
    message.kind = Message.Kind.IMAGE
    assert push.payload(message, language="es")["body"] == "Foto"
    [received] = push_service.wait(1)
    assert received.decrypt(keys)["body"] == "x" * 100 + "…"


def test_410_and_404_remove_the_subscription(api, shahn, shivam, group, push_service):
    subscribe(api(shivam), push_service, "/push/gone")
    push_service.answer("/push/gone", 410)
    deliver_all(send(api(shahn), group["id"]).json()["id"])
    assert not PushSubscription.objects.exists()


def test_a_failing_push_service_raises_to_be_retried_and_keeps_the_subscription(
        api, shahn, shivam, group, push_service):
    subscribe(api(shivam), push_service, "/push/busy")
    push_service.answer("/push/busy", 503, 429)
    message_id = send(api(shahn), group["id"]).json()["id"]
    [(subscription_id, data)] = push.deliveries(message_id=message_id)
    for _attempt in range(2):
        with pytest.raises(push.PushFailed):
            push.deliver(subscription_id=subscription_id, data=data)
    push.deliver(subscription_id=subscription_id, data=data)
    assert len(push_service.wait(1)) == 1
    assert PushSubscription.objects.count() == 1


def test_a_redirect_is_not_followed(api, shahn, shivam, group, push_service):
    subscribe(api(shivam), push_service, "/push/moved")
    push_service.answer("/push/moved", 307)
    deliver_all(send(api(shahn), group["id"]).json()["id"])  # dropped, not followed, not retried
    assert push_service.received == []


def test_an_endpoint_no_longer_allowed_is_not_reached_and_removed(api, shahn, shivam, group, push_service, settings):
    subscribe(api(shivam), push_service, "/push/shivam")
    settings.PUSH_ALLOWED_HOSTS = []
    deliver_all(send(api(shahn), group["id"]).json()["id"])
    assert push_service.received == []
    assert not PushSubscription.objects.exists()


def test_in_a_direct_chat_the_icon_is_the_senders_picture(api, shahn, shivam, circle):
    from tests.images import png_bytes, upload

    assert api(shahn).post("/api/v1/me/avatar", {"avatar": upload("me.png", png_bytes())}).status_code == 200
    chat = api(shahn).post("/api/v1/chats/direct", {"user": str(shivam.id)}, format="json").json()
    message = Message.objects.get(pk=send(api(shahn), chat["id"], "hi").json()["id"])
    icon = push.payload(message, language="en")["icon"]
    assert icon.startswith("/media/avatars/")
    assert api(shivam).get(icon).status_code == 200
