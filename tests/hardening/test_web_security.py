"""Web security: HTTPS headers and cookies with production settings, the strict CSP on every HTML
page (the API docs included), CSRF on every form, session rotation, `check --deploy`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory
from tests.hardening.markup import EXPECTED_CSP, csp_directives, inline_code
from tests.hardening.routes import api_routes, walk

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "production-like-secret-for-the-test-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "chaat.example.com,testserver",
    "DJANGO_SETTINGS_MODULE": "chaat.settings",
}
HTTPS_SETTINGS = [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT",
    "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
]


def production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECURE_COOKIES", "DEBUG", "SECURE_SSL_REDIRECT"}}
    return env | PRODUCTION_ENV


@pytest.fixture(scope="module")
def production_values() -> dict:
    """chaat.settings as production reads it (DEBUG=0, nothing else set about HTTPS)."""
    code = ("import json, chaat.settings as s; "
            f"print(json.dumps({{k: getattr(s, k) for k in {HTTPS_SETTINGS!r}}}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=production_env(), capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


@pytest.fixture
def production(settings, production_values):
    for name, value in production_values.items():
        setattr(settings, name, value)
    return production_values


def login_on_site(client: Client, user, *, secure: bool = False):
    client.get("/login", secure=secure)
    token = client.cookies["csrftoken"].value
    # Over HTTPS Django's CSRF check also wants a same-origin Referer, as a browser sends.
    extra = {"HTTP_REFERER": "https://testserver/login"} if secure else {}
    return client.post("/login", {"csrfmiddlewaretoken": token, "username": user.username, "password": PASSWORD},
                       secure=secure, **extra)


# --- HTTPS, cookies, headers --------------------------------------------------------------------


def test_production_settings_turn_on_every_https_protection(production_values):
    assert production_values["DEBUG"] is False
    assert production_values["SESSION_COOKIE_SECURE"] and production_values["CSRF_COOKIE_SECURE"]
    assert production_values["SESSION_COOKIE_HTTPONLY"]
    assert production_values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production_values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production_values["SECURE_SSL_REDIRECT"]
    assert production_values["X_FRAME_OPTIONS"] == "DENY"


def test_over_https_responses_carry_hsts_and_a_secure_httponly_session_cookie(production, db):
    user = UserFactory(username="carol")
    client = Client(enforce_csrf_checks=True)
    response = login_on_site(client, user, secure=True)
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert response.cookies["csrftoken"]["secure"]
    page = client.get("/profile", secure=True)
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"


def test_plain_http_is_redirected_to_https_but_the_health_check_is_not(production, db):
    client = Client()
    response = client.get("/login")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/healthz").status_code in {200, 503}


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_production_refuses_to_start():
    env = production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run([sys.executable, "-c", "import chaat.settings"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


# --- the strict CSP on every HTML page ----------------------------------------------------------


def html_pages() -> list[str]:
    """Every site and admin page without a path parameter, and the API docs."""
    pages = [r.path() for r in walk() if "<" not in r.route and (not r.is_api or r.name == "api-docs")]
    return [p for p in pages if p not in {"/admin/logout/", "/logout"}]


@pytest.fixture
def staff(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_every_html_page_has_the_strict_csp_and_no_inline_code(who, staff):
    client = Client()
    if who == "staff":
        client.force_login(staff)
    seen = 0
    for path in html_pages():
        response = client.get(path, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        directives = csp_directives(response["Content-Security-Policy"])
        for name, value in EXPECTED_CSP.items():
            assert directives.get(name) == value, f"{path}: {name} is {directives.get(name)!r}"
        assert "unsafe" not in response["Content-Security-Policy"], path
        assert response["X-Frame-Options"] == "DENY", path
        assert inline_code(response.content.decode()) == [], path
    assert seen >= 5


def test_the_api_docs_init_script_is_a_same_origin_file():
    client = Client()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert inline_code(page.content.decode()) == []
    script = client.get("/api/v1/docs?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema" in script.content.decode()


# --- CSRF and sessions ----------------------------------------------------------------------------


def test_every_site_form_refuses_a_post_without_the_csrf_token(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    routes = [r for r in walk() if not r.is_api]
    assert len(routes) > 10
    for route in routes:
        response = client.post(route.path(), {"anything": "x"})
        assert response.status_code == 403, f"{route.route} accepted a POST without a CSRF token"


def test_the_api_with_a_session_cookie_needs_the_csrf_token_too(shahn):
    """Token clients are exempt (no ambient credential); the session is not."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(shahn)
    checked = 0
    for route in api_routes():
        view = route.view_class
        if view is None or getattr(view, "authentication_classes", None) == []:
            continue  # register and login take no credentials
        for method in ("post", "put", "patch", "delete"):
            if hasattr(view, method):
                response = getattr(client, method)(route.path(), "{}", content_type="application/json")
                assert response.status_code == 403, f"{method.upper()} {route.route} without CSRF"
                checked += 1
    assert checked >= 5


def test_logging_in_on_the_site_rotates_the_session_key(shahn):
    client = Client(enforce_csrf_checks=True)
    planted = client.session  # an attacker's session id planted before login
    planted["planted"] = True
    planted.save()
    old_key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    response = login_on_site(client, shahn)
    assert response.status_code == 302
    new_key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not SessionStore().exists(old_key)
    assert client.get("/profile").status_code == 200


def test_the_admin_login_is_csrf_protected_and_rotates_the_session(staff):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/admin/login/", {"username": "root", "password": PASSWORD}).status_code == 403
    client.get("/admin/login/")
    planted = client.session
    planted.save()
    old_key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD,
                                              "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    assert client.cookies[django_settings.SESSION_COOKIE_NAME].value != old_key


def test_an_unrouted_api_url_is_a_json_404_and_a_site_url_the_site_page(client):
    api = client.get("/api/v1/chats/not-a-uuid")
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"
    site = client.get("/no-such-page")
    assert site.status_code == 404
    assert site["Content-Type"].startswith("text/html")


def test_a_request_django_refuses_before_the_view_is_a_json_400_under_the_api(shahn):
    client = client_for(shahn)
    fields = {f"f{i}": "x" for i in range(1200)}  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = client.post("/api/v1/chats/groups", fields, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
