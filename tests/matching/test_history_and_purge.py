from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from matching.models import Match, Report
from messaging.models import Chat, Message
from tests.factories import UserFactory
from tests.images import png_bytes
from tests.matching.conftest import pair

pytestmark = pytest.mark.django_db


def make_matches(api, clock, me, n):
    for _ in range(n):
        match = pair(api, me, UserFactory())
        api(me).post(f"/api/v1/match/{match['id']}/end")
        clock.advance(days=1)  # a point a match: a day each keeps points for all


def test_history_lists_my_matches_of_90_days_newest_first(api, shahn, shivam, udit, kai, clock):
    old = pair(api, shahn, kai)
    api(shahn).post(f"/api/v1/match/{old['id']}/end")
    clock.advance(days=89)
    first = pair(api, shahn, shivam)
    api(shahn).post(f"/api/v1/match/{first['id']}/end")
    clock.advance(days=1, seconds=1)  # `old` is now more than 90 days old
    second = pair(api, udit, shahn)
    history = api(shahn).get("/api/v1/match/history").json()
    assert [m["id"] for m in history["results"]] == [second["id"], first["id"]]
    assert history["next"] is None
    assert history["results"][0]["partner"]["username"] == "udit"
    assert history["results"][1]["duration_minutes"] == 1
    assert api(udit).get("/api/v1/match/history").json()["results"][0]["partner"]["username"] == "shahn"
    assert api(kai).get("/api/v1/match/history").json()["results"] == []


def test_history_pages_with_a_cursor(api, shahn, clock):
    make_matches(api, clock, shahn, 52)
    page = api(shahn).get("/api/v1/match/history").json()
    assert len(page["results"]) == 50 and page["next"]
    rest = api(shahn).get(page["next"]).json()
    assert len(rest["results"]) == 2 and rest["next"] is None
    ids = [m["id"] for m in page["results"] + rest["results"]]
    assert len(set(ids)) == 52
    assert api(shahn).get("/api/v1/match/history?cursor=bogus").status_code == 400


@pytest.mark.parametrize("n", [1, 50])
def test_history_takes_the_same_number_of_queries_for_1_and_50(api, shahn, clock, n,
                                                                django_assert_num_queries):
    make_matches(api, clock, shahn, n)
    client = api(shahn)
    with django_assert_num_queries(2):  # the token, the page
        response = client.get("/api/v1/match/history")
    assert len(response.json()["results"]) == n


def test_purge_expired_deletes_old_matches_with_their_chats_messages_and_files(api, shahn, shivam, udit,
                                                                             clock,
                                                                             django_capture_on_commit_callbacks):
    old = pair(api, shahn, shivam)
    api(shahn).post(f"/api/v1/match/{old['id']}/report", {"reason": "rude"}, format="json")
    chat = Chat.objects.get(pk=old["chat_id"])
    image = Message.objects.create(chat=chat, seq=1, sender=shahn, kind="image",
                                   image=ContentFile(png_bytes(), name="old.png"))
    Message.objects.create(chat=chat, seq=2, sender=shivam, kind="text", text="bye")
    kept = pair(api, shahn, udit)
    # Make the first match older than 90 days (test set-up; the app never moves times back).
    Match.objects.filter(pk=old["id"]).update(started_at=clock() - timedelta(days=91),
                                              expires_at=clock() - timedelta(days=1))
    assert default_storage.exists(image.image.name)
    with django_capture_on_commit_callbacks(execute=True):  # files go once the batch commits
        call_command("purge_expired", batch_size=1)
    assert list(Match.objects.values_list("id", flat=True)) == [Match.objects.get(pk=kept["id"]).id]
    assert not Chat.objects.filter(pk=old["chat_id"]).exists()
    assert not Message.objects.filter(chat_id=old["chat_id"]).exists()
    assert not default_storage.exists(image.image.name)
    assert Chat.objects.filter(pk=kept["chat_id"]).exists()
    assert Report.objects.get().match is None  # the report (and "never again") outlives the match
    assert api(shahn).get(f"/api/v1/chats/{old['chat_id']}").status_code == 404
