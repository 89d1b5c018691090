from __future__ import annotations

import pytest
from django.test import Client

from matching.models import Match, QueueEntry, Report
from tests.factories import UserFactory
from tests.matching.conftest import pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    """`browser(user)`: a logged-in site client that checks CSRF like a real browser."""

    def make(user) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make


def post(client: Client, url: str, data: dict | None = None):
    client.get("/meet")
    return client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, **(data or {})})


def test_the_page_shows_points_and_a_join_button(browser, shahn, clock):
    page = browser(shahn).get("/meet").content.decode()
    assert "<strong>15</strong> of 15 points left today" in page
    assert 'action="/meet/queue"' in page and "No matches yet." in page


def test_joining_waits_with_a_check_again_and_cancel(browser, shahn, clock):
    client = browser(shahn)
    response = post(client, "/meet/queue")
    assert response.status_code == 302 and response["Location"] == "/meet"
    page = client.get("/meet").content.decode()
    assert "Check again" in page and 'action="/meet/queue/leave"' in page
    assert post(client, "/meet/queue/leave").status_code == 302
    assert not QueueEntry.objects.exists()


def test_a_match_shows_its_chat_deadline_and_actions(browser, shahn, shivam, clock):
    post(browser(shahn), "/meet/queue")
    client = browser(shivam)
    post(client, "/meet/queue")
    match = Match.objects.get()
    page = client.get("/meet").content.decode()
    assert "You are chatting with Shahn" in page
    assert f'href="/chats/{match.chat_id}"' in page
    assert 'datetime="2026-11-23T12:15:00+00:00"' in page and "until 12:15 UTC" in page
    assert 'action="/friends/requests"' in page and f'name="to" value="{shahn.id}"' in page
    assert 'name="greeting"' in page
    assert f'action="/meet/{match.id}/end"' in page and f'action="/meet/{match.id}/report"' in page


def test_ending_from_the_page_lands_in_the_history(browser, shahn, shivam, clock):
    post(browser(shahn), "/meet/queue")
    post(browser(shivam), "/meet/queue")
    match = Match.objects.get()
    clock.advance(minutes=3)
    client = browser(shahn)
    assert post(client, f"/meet/{match.id}/end").status_code == 302
    page = client.get("/meet").content.decode()
    assert "The match has ended." in page and "3 minutes" in page and "<strong>12</strong> of 15" in page


def test_reporting_from_the_page_needs_a_reason(browser, shahn, shivam, clock):
    post(browser(shahn), "/meet/queue")
    post(browser(shivam), "/meet/queue")
    match = Match.objects.get()
    client = browser(shahn)
    post(client, f"/meet/{match.id}/report", {"reason": ""})
    assert not Report.objects.exists()
    post(client, f"/meet/{match.id}/report", {"reason": "rude"})
    assert Report.objects.get().reason == "rude"
    assert Match.objects.get().ended_reason == "reported"


def test_someone_elses_match_is_a_404_page(browser, shahn, shivam, udit, clock):
    post(browser(shahn), "/meet/queue")
    post(browser(shivam), "/meet/queue")
    match = Match.objects.get()
    assert post(browser(udit), f"/meet/{match.id}/end").status_code == 404


def test_an_error_is_shown_on_the_page(browser, shahn, clock):
    client = browser(shahn)
    post(client, "/meet/queue")
    post(client, "/meet/queue")
    assert "You are already waiting for a match." in client.get("/meet").content.decode()


def test_admins_see_matches_reports_and_points(api, shahn, shivam, clock):
    match = pair(api, shahn, shivam)
    api(shahn).post(f"/api/v1/match/{match['id']}/report", {"reason": "spam"}, format="json")
    admin = Client()
    admin.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    matches = admin.get("/admin/matching/match/?q=shivam&started_at__year=2026").content.decode()
    assert "shivam" in matches and "reported" in matches
    assert "spam" in admin.get("/admin/matching/report/").content.decode()
    points = admin.get(f"/admin/matching/pointsday/?user__id__exact={shivam.id}").context["cl"].result_list
    assert [(p.user, p.used) for p in points] == [(shivam, 1)]
