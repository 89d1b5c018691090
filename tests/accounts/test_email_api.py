"""PATCH /api/v1/me {email}, the confirmation link, and the password reset calls."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from django.test import Client

from accounts.models import AuthToken, User
from tests.conftest import client_for
from tests.factories import PASSWORD
from tests.jobqueue import run_queued_jobs

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


@contextmanager
def committed(capture):
    """Commit what the block does, then let the queued jobs (the mails) run."""
    with capture(execute=True):
        yield
    run_queued_jobs()


def _link(message, pattern: str) -> str:
    found = re.search(pattern, message.body)
    assert found, message.body
    return found.group(0)


def _confirmed(user, email="shahn@example.com"):
    User.objects.filter(pk=user.pk).update(email=email, email_verified=True)
    user.refresh_from_db()
    return user


def test_it_shows_email_and_email_verified_on_me(api, shahn):
    body = api(shahn).get("/api/v1/me").json()
    assert (body["email"], body["email_verified"]) == ("", False)


def test_a_new_address_is_unconfirmed_and_gets_a_link_that_confirms_it(api, shahn, mailoutbox,
                                                                         django_capture_on_commit_callbacks):
    with committed(django_capture_on_commit_callbacks):
        response = api(shahn).patch("/api/v1/me", {"email": "Shahn@Example.COM"}, format="json")
    assert response.status_code == 200
    assert (response.json()["email"], response.json()["email_verified"]) == ("Shahn@example.com", False)
    [message] = mailoutbox
    assert message.to == ["Shahn@example.com"]
    assert message.alternatives[0][1] == "text/html"
    link = _link(message, r"http://testserver/email/confirm/\S+")
    page = Client().get(link.removeprefix("http://testserver"))  # no login needed
    assert page.status_code == 200
    shahn.refresh_from_db()
    assert shahn.email_verified


def test_the_mail_speaks_the_users_language(api, shahn, mailoutbox, django_capture_on_commit_callbacks):
    User.objects.filter(pk=shahn.pk).update(language="de")
    with committed(django_capture_on_commit_callbacks):
        api(shahn).patch("/api/v1/me", {"email": "shahn@example.com"}, format="json")
    assert "E-Mail" in mailoutbox[0].subject


def test_a_link_for_an_address_that_was_replaced_does_not_confirm(api, shahn, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    client = api(shahn)
    with committed(django_capture_on_commit_callbacks):
        client.patch("/api/v1/me", {"email": "old@example.com"}, format="json")
    client.patch("/api/v1/me", {"email": "new@example.com"}, format="json")
    old_link = _link(mailoutbox[0], r"/email/confirm/\S+")
    assert Client().get(old_link).status_code == 400
    shahn.refresh_from_db()
    assert (shahn.email, shahn.email_verified) == ("new@example.com", False)


def test_a_forged_confirmation_link_is_400(db):
    assert Client().get("/email/confirm/not-a-token").status_code == 400


def test_an_invalid_address_is_400(api, shahn):
    response = api(shahn).patch("/api/v1/me", {"email": "not an address"}, format="json")
    assert response.status_code == 400
    assert "email" in response.json()["fields"]


def test_an_empty_address_removes_it(api, shahn):
    _confirmed(shahn)
    body = api(shahn).patch("/api/v1/me", {"email": ""}, format="json").json()
    assert (body["email"], body["email_verified"]) == ("", False)


def test_password_reset_is_202_whether_or_not_the_account_exists(anon, shahn, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    _confirmed(shahn)
    with committed(django_capture_on_commit_callbacks):
        for name in ("shahn", "nobody", "nobody@example.com", "SHAHN@example.com"):
            response = anon.post("/api/v1/auth/password-reset", {"username_or_email": name}, format="json")
            assert response.status_code == 202
    assert [m.to for m in mailoutbox] == [["shahn@example.com"]] * 2


def test_no_reset_mail_goes_to_an_unconfirmed_address(anon, shahn, mailoutbox, django_capture_on_commit_callbacks):
    User.objects.filter(pk=shahn.pk).update(email="shahn@example.com", email_verified=False)
    with committed(django_capture_on_commit_callbacks):
        assert anon.post("/api/v1/auth/password-reset", {"username_or_email": "shahn"},
                         format="json").status_code == 202
    assert mailoutbox == []


def _reset_parts(mailoutbox) -> tuple[str, str]:
    uid, token = re.search(r"/reset/([^/\s]+)/([^/\s]+)", mailoutbox[-1].body).groups()
    return uid, token


def test_confirming_a_reset_sets_the_password_and_revokes_every_token_and_session(
        anon, shahn, mailoutbox, django_capture_on_commit_callbacks):
    _confirmed(shahn)
    token_client = client_for(shahn)
    site = Client()
    site.force_login(shahn)
    assert site.get("/profile").status_code == 200
    with committed(django_capture_on_commit_callbacks):
        anon.post("/api/v1/auth/password-reset", {"username_or_email": "shahn"}, format="json")
    uid, token = _reset_parts(mailoutbox)
    response = anon.post("/api/v1/auth/password-reset/confirm",
                         {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json")
    assert response.status_code == 204
    shahn.refresh_from_db()
    assert shahn.check_password(NEW_PASSWORD)
    assert not AuthToken.objects.filter(user=shahn).exists()
    assert token_client.get("/api/v1/me").status_code == 401
    assert site.get("/profile").status_code == 302  # the session is signed out
    # One time only.
    again = anon.post("/api/v1/auth/password-reset/confirm",
                      {"uid": uid, "token": token, "new_password": "yet-another-passphrase"}, format="json")
    assert (again.status_code, again.json()["code"]) == (400, "invalid_token")


def test_a_reset_link_expires_after_an_hour(anon, shahn, mailoutbox, settings, django_capture_on_commit_callbacks):
    _confirmed(shahn)
    with committed(django_capture_on_commit_callbacks):
        anon.post("/api/v1/auth/password-reset", {"username_or_email": "shahn"}, format="json")
    uid, token = _reset_parts(mailoutbox)
    settings.PASSWORD_RESET_TIMEOUT = -1  # as if the hour had passed
    response = anon.post("/api/v1/auth/password-reset/confirm",
                         {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_token")


@pytest.mark.parametrize("uid,token", [("garbage", "x-y"), ("", ""), ("!!", "a" * 100)])
def test_a_forged_reset_is_400_never_500(anon, shahn, uid, token):
    response = anon.post("/api/v1/auth/password-reset/confirm",
                         {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json")
    assert response.status_code == 400


def test_a_weak_new_password_is_400_weak_password(anon, shahn, mailoutbox, django_capture_on_commit_callbacks):
    _confirmed(shahn)
    with committed(django_capture_on_commit_callbacks):
        anon.post("/api/v1/auth/password-reset", {"username_or_email": "shahn"}, format="json")
    uid, token = _reset_parts(mailoutbox)
    response = anon.post("/api/v1/auth/password-reset/confirm",
                         {"uid": uid, "token": token, "new_password": "123"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "weak_password")
    shahn.refresh_from_db()
    assert shahn.check_password(PASSWORD)


def test_password_reset_is_limited_to_5_an_hour_per_ip(anon, db):
    codes = [anon.post("/api/v1/auth/password-reset", {"username_or_email": f"someone{i}"},
                       format="json").status_code for i in range(6)]
    assert codes == [202] * 5 + [429]


def test_password_reset_is_limited_to_5_an_hour_per_account(shahn, mailoutbox, django_capture_on_commit_callbacks):
    _confirmed(shahn)
    with committed(django_capture_on_commit_callbacks):
        for i in range(7):  # from different addresses, by name and by address
            client = Client(REMOTE_ADDR=f"10.0.0.{i}")
            name = "shahn" if i % 2 else "shahn@example.com"
            client.post("/api/v1/auth/password-reset", {"username_or_email": name}, content_type="application/json")
    assert len(mailoutbox) == 5
