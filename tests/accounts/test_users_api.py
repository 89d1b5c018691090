from __future__ import annotations

import uuid

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_search_matches_username_or_display_name_prefix_case_insensitively(api, shahn, shivam, udit):
    names = [u["username"] for u in api(udit).get("/api/v1/users?search=SH").json()["results"]]
    assert names == ["shahn", "shivam"]
    UserFactory(username="zed", display_name="Shiny Zed")
    names = [u["username"] for u in api(udit).get("/api/v1/users?search=shi").json()["results"]]
    assert names == ["shivam", "zed"]


def test_search_returns_at_most_20_and_only_public_fields(api, shahn):
    UserFactory.create_batch(25, display_name="Many")
    results = api(shahn).get("/api/v1/users?search=user").json()["results"]
    assert len(results) == 20
    assert set(results[0]) == {"id", "username", "display_name", "avatar_url"}


def test_search_never_returns_yourself(api, shahn):
    assert api(shahn).get("/api/v1/users?search=shahn").json()["results"] == []


def test_a_user_is_shown_by_id(api, shahn, shivam):
    response = api(shahn).get(f"/api/v1/users/{shivam.id}")
    assert response.status_code == 200 and response.json()["username"] == "shivam"


def test_an_unknown_user_is_404(api, shahn):
    response = api(shahn).get(f"/api/v1/users/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
