"""Every admin list, search and change page renders for staff, with demo data in place."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = list(admin.site._registry.items())


@pytest.fixture
def staff_client(client):
    call_command("seed_demo", stdout=None)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(("model", "model_admin"), MODELS, ids=[m._meta.label for m, _ in MODELS])
def test_it_lists_searches_and_opens_every_registered_model(staff_client, model, model_admin):
    info = (model._meta.app_label, model._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    assert staff_client.get(changelist).status_code == 200
    if model_admin.search_fields:
        assert staff_client.get(changelist, {"q": "sh"}).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        assert staff_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200


def test_the_user_admin_never_offers_the_hash_for_editing(staff_client):
    from accounts.models import User

    shahn = User.objects.get(username="shahn")
    page = staff_client.get(reverse("admin:accounts_user_change", args=[shahn.pk])).content.decode()
    assert 'name="password"' not in page
    assert "argon2" in page  # shown read-only, as a summary of the hash
