from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from tests.images import png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser() -> Client:
    return Client(enforce_csrf_checks=True)


def csrf(client: Client, url: str) -> str:
    client.get(url)
    return client.cookies["csrftoken"].value


def test_signing_up_logs_you_in_and_lands_in_chats(browser):
    token = csrf(browser, "/signup")
    response = browser.post("/signup", {"csrfmiddlewaretoken": token, "username": "Wendy",
                                        "display_name": "Wendy", "password": "mioumeek-secret"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert User.objects.get(username="wendy").password.startswith("argon2$argon2id$")
    assert browser.get("/chats").status_code == 200


def test_a_sign_up_error_is_shown_next_to_its_field(browser, shahn):
    token = csrf(browser, "/signup")
    response = browser.post("/signup", {"csrfmiddlewaretoken": token, "username": "shahn",
                                        "password": "whatever-long-pass"})
    assert response.status_code == 400
    assert 'id="id_username_error"' in response.content.decode()


def test_a_form_without_the_csrf_token_is_refused(browser):
    response = browser.post("/signup", {"username": "mallory", "password": "mallory-secret-1"})
    assert response.status_code == 403
    assert not User.objects.filter(username="mallory").exists()


def test_logging_in_and_out(browser, shahn, password):
    token = csrf(browser, "/login")
    response = browser.post("/login", {"csrfmiddlewaretoken": token, "username": "SHAHN", "password": password})
    assert response.status_code == 302
    assert browser.get("/profile").status_code == 200
    browser.post("/logout", {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})
    assert browser.get("/profile").status_code == 302


def test_a_wrong_password_shows_one_error_for_the_form(browser, shahn):
    token = csrf(browser, "/login")
    response = browser.post("/login", {"csrfmiddlewaretoken": token, "username": "shahn", "password": "wrong-wrong"})
    assert response.status_code == 400
    assert "Wrong username or password." in response.content.decode()


def test_logging_in_rotates_the_session_key(browser, shahn, password):
    token = csrf(browser, "/login")
    browser.cookies["sessionid"] = "planted-session-key"
    browser.post("/login", {"csrfmiddlewaretoken": token, "username": "shahn", "password": password})
    assert browser.cookies["sessionid"].value != "planted-session-key"


def test_the_login_page_ignores_an_offsite_next(browser, shahn, password):
    token = csrf(browser, "/login")
    response = browser.post("/login?next=https://evil.example/", {"csrfmiddlewaretoken": token,
                            "username": "shahn", "password": password})
    assert response["Location"] == "home" or response["Location"] == "/"


def test_editing_the_profile(client, shahn):
    client.force_login(shahn)
    response = client.post("/profile", {"action": "profile", "display_name": "Shahn H.", "language": "de"})
    assert response.status_code == 302
    shahn.refresh_from_db()
    assert (shahn.display_name, shahn.language) == ("Shahn H.", "de")
    page = client.get("/profile").content.decode()
    assert 'lang="de"' in page and "Profil" in page


def test_uploading_a_real_png_avatar(client, shahn):
    client.force_login(shahn)
    response = client.post("/profile", {"action": "avatar", "avatar": upload("me.png", png_bytes())})
    assert response.status_code == 302
    shahn.refresh_from_db()
    assert shahn.avatar.name.startswith("avatars/")
    assert client.get(f"/media/{shahn.avatar.name}").status_code == 200


def test_uploading_a_fake_png_avatar_shows_an_error(client, shahn):
    client.force_login(shahn)
    response = client.post("/profile", {"action": "avatar", "avatar": upload("me.png", b"GIF89a-not-really")})
    assert response.status_code == 400
    assert "not an accepted image" in response.content.decode()
    shahn.refresh_from_db()
    assert not shahn.avatar


def test_the_language_menu_switches_the_site_language_for_a_visitor(client):
    client.post("/language", {"language": "es", "next": "/login"})
    page = client.get("/login").content.decode()
    assert 'lang="es"' in page and "Iniciar sesión" in page


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/login")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
