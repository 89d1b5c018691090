"""GET /api/v1/push/key and /api/v1/push/subscriptions: bound to the token or session that made them."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from notifications.models import PushSubscription
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PUBLIC = "https://8.8.8.8/push/abc"  # a literal public address: resolving it needs no DNS


def _subscribe(client, browser_keys, endpoint=PUBLIC):
    return client.post("/api/v1/push/subscriptions", {"endpoint": endpoint, "keys": browser_keys.keys}, format="json")


def test_the_key_is_the_65_byte_uncompressed_point_in_base64url(api, shahn):
    key = api(shahn).get("/api/v1/push/key").json()["public_key"]
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert (len(raw), raw[0], "=" in key) == (65, 4, False)


def test_the_key_needs_a_login(anon):
    assert anon.get("/api/v1/push/key").status_code == 401


def test_without_a_key_configured_push_is_503(api, shahn, settings, browser_keys):
    settings.VAPID_PRIVATE_KEY = ""
    assert api(shahn).get("/api/v1/push/key").json()["code"] == "push_unavailable"
    assert _subscribe(api(shahn), browser_keys).status_code == 503


def test_subscribing_is_201_then_200_and_lists_only_this_tokens(api, shahn, browser_keys):
    client, other_login = api(shahn), api(shahn)
    first = _subscribe(client, browser_keys)
    assert first.status_code == 201
    assert set(first.json()) == {"id", "endpoint", "created_at"}
    assert _subscribe(client, browser_keys).status_code == 200
    assert [s["id"] for s in client.get("/api/v1/push/subscriptions").json()["results"]] == [first.json()["id"]]
    assert other_login.get("/api/v1/push/subscriptions").json() == {"results": [], "next": None}


def test_deleting_is_204_for_its_own_and_404_for_another_logins(api, shahn, shivam, browser_keys):
    client = api(shahn)
    sub_id = _subscribe(client, browser_keys).json()["id"]
    assert api(shahn).delete(f"/api/v1/push/subscriptions/{sub_id}").status_code == 404
    assert api(shivam).delete(f"/api/v1/push/subscriptions/{sub_id}").status_code == 404
    assert client.delete(f"/api/v1/push/subscriptions/{sub_id}").status_code == 204
    assert not PushSubscription.objects.exists()


def test_logging_out_a_token_removes_its_subscriptions(api, shahn, browser_keys):
    client, other = api(shahn), api(shahn)
    _subscribe(client, browser_keys)
    _subscribe(other, browser_keys.__class__(), endpoint=PUBLIC + "2")
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [PUBLIC + "2"]


def test_a_session_subscription_goes_at_the_sites_logout(shahn, browser_keys):
    site = Client()
    site.force_login(shahn)
    response = site.post("/api/v1/push/subscriptions", {"endpoint": PUBLIC, "keys": browser_keys.keys},
                         content_type="application/json")
    assert response.status_code == 201
    assert site.get("/api/v1/push/subscriptions").json()["results"][0]["endpoint"] == PUBLIC
    site.post("/logout")
    assert not PushSubscription.objects.exists()


def test_a_password_change_removes_every_subscription(api, shahn, browser_keys):
    client, site = api(shahn), Client()
    site.force_login(shahn)
    _subscribe(client, browser_keys)
    site.post("/api/v1/push/subscriptions", {"endpoint": PUBLIC + "2", "keys": browser_keys.keys},
              content_type="application/json")
    assert PushSubscription.objects.count() == 2
    response = client.post("/api/v1/me/password", {"old_password": PASSWORD, "new_password": "another-long-passphrase"},
                           format="json")
    assert response.status_code == 204
    assert not PushSubscription.objects.exists()


def test_the_same_browser_under_another_login_moves_to_it(api, shahn, shivam, browser_keys):
    _subscribe(api(shahn), browser_keys)
    assert _subscribe(api(shivam), browser_keys).status_code == 201
    assert PushSubscription.objects.get().user_id == shivam.id


@pytest.mark.parametrize("endpoint", [
    "http://8.8.8.8/push",  # not https
    "https://127.0.0.1/push", "https://10.1.2.3/push", "https://192.168.0.1/push", "https://169.254.169.254/latest",
    "https://[::1]/push", "https://[::ffff:127.0.0.1]/push", "https://localhost/push", "https://0.0.0.0/push",
    "ftp://8.8.8.8/push", "https://user:pw@8.8.8.8/push", "https://8.8.8.8:99999/push", "not a url", "",
    "https://no-such-host.invalid/push",
])
def test_an_endpoint_on_a_private_or_unknown_host_is_400_invalid_endpoint(api, shahn, browser_keys, endpoint):
    response = _subscribe(api(shahn), browser_keys, endpoint=endpoint)
    assert response.status_code == 400
    assert response.json()["code"] in ({"invalid"} if endpoint == "" else {"invalid_endpoint"})
    assert not PushSubscription.objects.exists()


def test_push_allowed_hosts_lets_a_private_http_host_and_port_through(api, shahn, browser_keys, settings):
    settings.PUSH_ALLOWED_HOSTS = ["127.0.0.1:8999"]
    assert _subscribe(api(shahn), browser_keys, endpoint="http://127.0.0.1:8999/push/1").status_code == 201
    assert _subscribe(api(shahn), browser_keys, endpoint="http://127.0.0.1:9000/push/1").status_code == 400


@pytest.mark.parametrize("keys", [{}, {"p256dh": "AAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"},
                                  {"p256dh": "!!!", "auth": "x"}, {"p256dh": 5, "auth": None}])
def test_bad_keys_are_400(api, shahn, keys, browser_keys):
    response = api(shahn).post("/api/v1/push/subscriptions", {"endpoint": PUBLIC, "keys": keys}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_the_list_takes_two_queries_however_many(api, shahn, browser_keys, django_assert_num_queries):
    client = api(shahn)
    for i in range(5):
        _subscribe(client, browser_keys.__class__(), endpoint=f"{PUBLIC}/{i}")
    with django_assert_num_queries(2):  # the token with its user, the list
        assert len(client.get("/api/v1/push/subscriptions").json()["results"]) == 5


def test_with_debug_and_no_key_one_is_generated_into_var_and_kept(api, shahn, settings, tmp_path):
    settings.VAPID_PRIVATE_KEY, settings.DEBUG, settings.VAR_DIR = "", True, tmp_path
    first = api(shahn).get("/api/v1/push/key").json()["public_key"]
    assert (tmp_path / "vapid_private.pem").read_text().startswith("-----BEGIN PRIVATE KEY")
    settings.VAR_DIR = str(tmp_path)  # a new process reading the same file
    assert api(shahn).get("/api/v1/push/key").json()["public_key"] == first


def test_a_user_keeps_at_most_20_subscriptions_the_oldest_going_first(api, shahn, browser_keys):
    client = api(shahn)
    first = _subscribe(client, browser_keys, endpoint=f"{PUBLIC}/0").json()["id"]
    for i in range(1, 21):
        _subscribe(client, browser_keys, endpoint=f"{PUBLIC}/{i}")
    assert PushSubscription.objects.filter(user=shahn).count() == 20
    assert not PushSubscription.objects.filter(id=first).exists()
