"""Abuse limits: atomic counters in the shared cache, exact at the boundary under 50 parallel
requests, 429 with Retry-After, and a decision per scope for while the cache is down."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter

import pytest
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from chaat import ratelimit
from chaat.errors import RateLimited
from messaging.services.chats import get_or_create_direct_chat
from tests.conftest import client_for
from tests.factories import PASSWORD, befriend, direct_chat

PARALLEL = 50


def in_parallel(count: int, work) -> list:
    """Run work(i) in `count` threads released together; each closes its DB connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_exactly_n_calls_pass_in_a_window_and_the_next_one_waits_for_the_window_end(settings):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"queue": "5/minute"}
    start = 1_800_000_000.0 + 15  # 15 s into a minute
    for _ in range(5):
        ratelimit.hit("queue", "someone", now=start)
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit("queue", "someone", now=start + 1)
    assert refused.value.retry_after == 44
    ratelimit.hit("queue", "someone-else", now=start + 1)  # counted per ident


def test_a_new_window_gives_the_full_allowance_once(settings):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"queue": "3/minute"}
    first, second = 1_800_000_000.0, 1_800_000_060.0
    for _ in range(3):
        ratelimit.hit("queue", "u", now=first)
    with pytest.raises(RateLimited):
        ratelimit.hit("queue", "u", now=first + 59)
    for _ in range(3):
        ratelimit.hit("queue", "u", now=second)
    with pytest.raises(RateLimited):
        ratelimit.hit("queue", "u", now=second)


@pytest.mark.parametrize("scope", ["upload", "queue", "ws_frame", "export"])
def test_every_app_limit_has_a_default_and_is_configurable(scope, settings):
    limit, _period = ratelimit.rate_for(scope)
    assert limit > 0
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {scope: "1/hour"}
    helper = {"upload": ratelimit.limit_upload, "queue": ratelimit.limit_queue_join,
              "ws_frame": ratelimit.limit_ws_frame, "export": ratelimit.limit_export}[scope]
    user_id = uuid.uuid4()
    helper(user_id=user_id)
    with pytest.raises(RateLimited):
        helper(user_id=user_id)


def test_the_throttle_rates_setting_parses_overrides():
    from chaat.settings import parse_rates

    assert parse_rates("register=1000/hour, send=100000/minute") == {
        "register": "1000/hour", "send": "100000/minute"}


@pytest.mark.django_db(transaction=True)
def test_50_parallel_registrations_from_one_ip_let_exactly_the_limit_through(postgres, redis, settings):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"register": "20/hour"}

    def register(i: int):
        return APIClient().post("/api/v1/auth/register", {"username": f"flood{i}", "password": PASSWORD},
                                format="json")

    responses = in_parallel(PARALLEL, register)
    assert Counter(r.status_code for r in responses) == {201: 20, 429: 30}
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 3600


@pytest.mark.django_db(transaction=True)
def test_50_parallel_sends_let_exactly_the_limit_through_and_store_only_those(
        postgres, redis, settings, shahn, shivam):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"send": "30/hour"}
    befriend(shahn, shivam)
    chat, _ = get_or_create_direct_chat(actor=shahn, other_id=shivam.id)
    clients = [client_for(shahn) for _ in range(PARALLEL)]

    def send(i: int):
        return clients[i].post(f"/api/v1/chats/{chat.id}/messages",
                               {"kind": "text", "text": f"hi {i}", "client_id": str(uuid.uuid4())}, format="json")

    responses = in_parallel(PARALLEL, send)
    assert Counter(r.status_code for r in responses) == {201: 30, 429: 20}
    assert all(1 <= int(r["Retry-After"]) <= 3600 for r in responses if r.status_code == 429)
    chat.refresh_from_db()
    assert chat.messages.count() == chat.last_seq == 30


@pytest.mark.django_db(transaction=True)
def test_50_parallel_wrong_passwords_get_exactly_the_limit_of_guesses(postgres, redis, settings, shahn):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"login": "10/hour"}

    def guess(i: int):
        return APIClient().post("/api/v1/auth/login", {"username": "shahn", "password": f"guess-{i}-wrong"},
                                format="json")

    checked = []
    user_login_failed.connect(lambda **kwargs: checked.append(1), weak=False, dispatch_uid="count-guesses")
    try:
        responses = in_parallel(PARALLEL, guess)
    finally:
        user_login_failed.disconnect(dispatch_uid="count-guesses")
    assert Counter(r.status_code for r in responses) == {400: 10, 429: 40}
    assert len(checked) == 10, "only the allowed guesses may reach the password check"
    # ...and then the right password is refused too until the window ends.
    right = APIClient().post("/api/v1/auth/login", {"username": "shahn", "password": PASSWORD}, format="json")
    assert right.status_code == 429


def test_successful_logins_do_not_use_up_the_failure_allowance(anon, shahn, settings):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"login": "2/hour"}
    for _ in range(5):
        response = anon.post("/api/v1/auth/login", {"username": "shahn", "password": PASSWORD}, format="json")
        assert response.status_code == 200


def test_normal_use_never_meets_a_limit(shahn, shivam, udit, kai, settings):
    """A person typing fast in five chats for a minute: 100 sends, reads and inbox refreshes
    stay under the defaults."""
    friends = [shivam, udit, kai]
    for friend in friends:
        befriend(shahn, friend)
    client = client_for(shahn)
    chats = [client.post("/api/v1/chats/direct", {"user": str(f.id)}, format="json").json()["id"]
             for f in friends]
    statuses = Counter()
    for i in range(100):
        chat_id = chats[i % len(chats)]
        sent = client.post(f"/api/v1/chats/{chat_id}/messages",
                           {"kind": "text", "text": f"quick {i}", "client_id": str(uuid.uuid4())}, format="json")
        statuses[sent.status_code] += 1
        statuses[client.post(f"/api/v1/chats/{chat_id}/read", {"seq": sent.json()["seq"]},
                             format="json").status_code] += 1
        statuses[client.get("/api/v1/chats").status_code] += 1
    assert 429 not in statuses
    assert statuses == {201: 100, 204: 100, 200: 100}


# --- while the shared cache is down ------------------------------------------------------------


def test_with_the_cache_down_sends_stay_open_and_logins_fall_back_to_this_process(
        cache_on_private_redis, settings):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"send": "3/hour", "login": "3/hour",
                                                         "register": "3/hour"}
    for _ in range(3):
        ratelimit.hit("send", "alice")
    with pytest.raises(RateLimited):
        ratelimit.hit("send", "alice")  # the shared counter works while Redis is up

    cache_on_private_redis.stop()
    started = time.monotonic()
    for _ in range(10):
        ratelimit.hit("send", "alice")  # fail open: a message is worth more than a burst
        ratelimit.hit("user", "alice")
        ratelimit.hit("anon", "10.0.0.1")
    for scope in ("login", "register"):
        for _ in range(3):
            ratelimit.hit(scope, "bob")
        with pytest.raises(RateLimited):
            ratelimit.hit(scope, "bob")  # fall back: still limited, per process
    assert time.monotonic() - started < 5, "a dead cache must fail fast"

    cache_on_private_redis.start()
    for _ in range(3):
        ratelimit.hit("login", "carol")  # back on the shared counter, which starts empty
    with pytest.raises(RateLimited):
        ratelimit.hit("login", "carol")
    window = int(time.time() // ratelimit.rate_for("login")[1])
    assert int(cache.get(ratelimit.counter_key("login", "carol", window))) == 4


def test_the_login_api_still_limits_failures_while_the_cache_is_down(cache_on_private_redis, settings, anon, shahn):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"login": "2/hour"}
    cache_on_private_redis.stop()
    statuses = [anon.post("/api/v1/auth/login", {"username": "shahn", "password": "wrong-wrong-wrong"},
                          format="json").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    cache_on_private_redis.start()


# --- the app limits, wired in ------------------------------------------------------------------


def test_queue_joins_are_limited(shahn, settings):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"queue": "2/hour"}
    client = client_for(shahn)
    statuses = []
    for _ in range(3):
        statuses.append(client.post("/api/v1/match/queue").status_code)
        client.delete("/api/v1/match/queue")
    assert statuses == [202, 202, 429]


def test_avatars_and_chat_images_share_the_upload_limit(shahn, shivam, settings):
    from tests.images import png_bytes, upload

    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"upload": "2/hour"}
    befriend(shahn, shivam)
    chat, _ = get_or_create_direct_chat(actor=shahn, other_id=shivam.id)
    client = client_for(shahn)
    assert client.post("/api/v1/me/avatar", {"avatar": upload("a.png", png_bytes())},
                       format="multipart").status_code == 200

    def send_image():
        return client.post(f"/api/v1/chats/{chat.id}/messages", {
            "kind": "image", "image": upload("b.png", png_bytes()), "client_id": str(uuid.uuid4())},
            format="multipart")

    assert send_image().status_code == 201
    refused = send_image()
    assert refused.status_code == 429 and "Retry-After" in refused
    text = client.post(f"/api/v1/chats/{chat.id}/messages",
                       {"kind": "text", "text": "words still go", "client_id": str(uuid.uuid4())}, format="json")
    assert text.status_code == 201


@pytest.mark.django_db(transaction=True)
def test_socket_frames_are_limited_per_user_across_connections(shahn, shivam, settings):
    from asgiref.sync import async_to_sync, sync_to_async

    from accounts.services import issue_token
    from tests.live.conftest import frames_until_quiet, socket

    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"ws_frame": "3/hour"}
    chat_id = str(direct_chat(shahn, shivam).id)

    async def run():
        first = socket(token=await sync_to_async(issue_token)(user=shahn))
        second = socket(token=await sync_to_async(issue_token)(user=shahn))
        for ws in (first, second):
            assert (await ws.connect(timeout=3))[0]
        # A message counts against `send`, not against the frame limit.
        await first.send_json_to({"type": "message.send", "chat_id": chat_id, "client_id": str(uuid.uuid4()),
                                  "kind": "text", "text": "hi"})
        assert sorted(frame["type"] for frame in await frames_until_quiet(first)) == ["message.ack", "message.created"]
        assert [frame["type"] for frame in await frames_until_quiet(second)] == ["message.created"]
        # Typing frames: the fourth of the user's frames, over either socket, is over the limit.
        replies = []
        for ws in (first, second, first, second):
            await ws.send_json_to({"type": "typing", "chat_id": chat_id})
            replies.append(await frames_until_quiet(ws))
        # A ping is answered by the connection alone (its own bucket bounds it), limited or not.
        await first.send_json_to({"type": "ping"})
        pong = await frames_until_quiet(first)
        for ws in (first, second):
            await ws.disconnect()
        return replies, pong

    replies, pong = async_to_sync(run)()
    assert replies[:3] == [[], [], []]
    [error] = replies[3]
    assert error["type"] == "error" and error["code"] == "rate_limited" and error["retry_after"] >= 1
    assert [frame["type"] for frame in pong] == ["pong"]
