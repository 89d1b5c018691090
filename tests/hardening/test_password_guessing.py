"""Every place that checks a password counts its failures against the `login` limit, per
username and per client IP (contract v1.1, "Limits and configuration added"): the API login,
the admin's login, and the current password asked for by a password change or an account
deletion, through the API and the site's profile page."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture(autouse=True)
def _small_login_limit(settings):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"login": f"{LIMIT}/hour"}


def api_login(username: str, password: str) -> int:
    return Client().post("/api/v1/auth/login", {"username": username, "password": password},
                         content_type="application/json").status_code


def admin_login(username: str, password: str, ip: str = "127.0.0.1") -> str:
    response = Client(REMOTE_ADDR=ip).post("/admin/login/?next=/admin/",
                                            {"username": username, "password": password})
    return "ok" if response.status_code == 302 else response.content.decode()


def test_failed_admin_logins_count_against_the_login_limit():
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for i in range(LIMIT):
        assert admin_login("root", f"wrong-guess-{i}") != "ok"
    page = admin_login("root", PASSWORD)
    assert page != "ok"
    assert "Too many" in page or "too many" in page
    assert api_login("root", PASSWORD) == 429  # one counter for both doors


def test_failed_admin_logins_count_per_ip_too():
    for i in range(LIMIT * 10):
        admin_login(f"nobody{i}", "wrong-guess", ip="10.9.8.7")
    UserFactory(username="root", is_staff=True, is_superuser=True)
    assert admin_login("root", PASSWORD, ip="10.9.8.7") != "ok"
    assert admin_login("root", PASSWORD, ip="10.9.8.8") == "ok"


def test_a_right_admin_login_gives_its_count_back():
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(LIMIT + 1):
        assert admin_login("root", PASSWORD) == "ok"


def test_wrong_current_passwords_on_a_password_change_count_against_the_login_limit(shahn):
    api = client_for(shahn)
    for i in range(LIMIT):
        response = api.post("/api/v1/me/password", {"old_password": f"wrong-{i}", "new_password": "a-new-passphrase-7"},
                            format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_credentials"
    response = api.post("/api/v1/me/password", {"old_password": PASSWORD, "new_password": "a-new-passphrase-7"},
                        format="json")
    assert response.status_code == 429
    assert api_login("shahn", PASSWORD) == 429


def test_wrong_passwords_on_an_account_deletion_count_against_the_login_limit(shahn):
    api = client_for(shahn)
    for i in range(LIMIT):
        assert api.delete("/api/v1/me", {"password": f"wrong-{i}"}, format="json").status_code == 400
    assert api.delete("/api/v1/me", {"password": PASSWORD}, format="json").status_code == 429


def test_wrong_current_passwords_on_the_profile_page_count_against_the_login_limit(shahn):
    client = Client()
    client.force_login(shahn)
    for i in range(LIMIT):
        response = client.post("/profile", {"action": "password", "old_password": f"wrong-{i}",
                                            "new_password": "a-new-passphrase-7"})
        assert response.status_code == 400
    response = client.post("/profile", {"action": "delete", "password": PASSWORD})
    assert response.status_code == 400
    assert api_login("shahn", PASSWORD) == 429


def test_a_right_current_password_gives_its_count_back(shahn):
    api = client_for(shahn)
    new = PASSWORD
    for i in range(LIMIT + 1):
        old, new = new, f"a-new-passphrase-{i}"
        response = api.post("/api/v1/me/password", {"old_password": old, "new_password": new}, format="json")
        assert response.status_code == 204
