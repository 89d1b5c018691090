"""Shared fixtures: a small cast of users (the demo people), API clients, a clean cache."""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts.services import issue_token
from tests.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _isolated_state(settings, tmp_path):
    """Each test gets empty media and fresh request-limit counters."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def shahn(db):
    return UserFactory(username="shahn", display_name="Shahn")


@pytest.fixture
def shivam(db):
    return UserFactory(username="shivam", display_name="Shivam")


@pytest.fixture
def udit(db):
    return UserFactory(username="udit", display_name="Udit")


@pytest.fixture
def kai(db):
    return UserFactory(username="kai", display_name="Kai")


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


def client_for(user) -> APIClient:
    """An API client authenticated with a fresh token of `user`."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=user)}")
    return client


@pytest.fixture
def api():
    """`api(user)` gives an APIClient authenticated as that user."""
    return client_for


def _require(what: str, available: bool, hint: str = "set DATABASE_URL / REDIS_URL") -> None:
    """Skip where this machine lacks `what`; in CI (CHAAT_REQUIRE_SERVICES=1) fail: .ci/run
    provides everything, so a missing piece there is a broken CI, never a silent skip."""
    if available:
        return
    if os.environ.get("CHAAT_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required in CI but missing ({hint})")
    pytest.skip(f"needs {what} ({hint})")


def installed(program: str, hint: str) -> str:
    """The path of a program the test runs (Chromium, ffmpeg, msgfmt), by the rule of _require."""
    path = shutil.which(program)
    _require(program, path is not None, hint)
    return path


@pytest.fixture
def postgres():
    """For tests of behaviour under real concurrency: PostgreSQL only."""
    _require("PostgreSQL", connection.vendor == "postgresql")


@pytest.fixture
def redis():
    """For tests that need the shared Redis (several processes, the real channel layer)."""
    _require("Redis", bool(settings.REDIS_URL))


@pytest.fixture(scope="session", autouse=True)
def _services_answer():
    """Fail the run at once, loudly, when a configured service is unreachable."""
    if settings.REDIS_URL:
        import redis as redis_lib

        try:
            redis_lib.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except Exception as exc:
            pytest.exit(f"Redis at {settings.REDIS_URL} is not reachable: {exc}", returncode=3)
