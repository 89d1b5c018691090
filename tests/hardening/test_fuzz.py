"""Schemathesis against /api/v1/schema, in process, as a signed-in user: every operation, a
bounded number of generated requests each (the full run is `make fuzz`). No 5xx, and every
response must match the schema (status, content type, body, headers)."""

from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from accounts.services import issue_token
from tests.factories import UserFactory, befriend

# Every default check but two:
# - "schema-valid data is accepted" cannot hold for an API whose rules go beyond types (a wrong
#   password, a weak one, someone else's id are 4xx by contract);
# - "schema-violating data is rejected" trips over DRF's documented leniency (a JSON number is
#   taken as a string, an empty query parameter as an absent one). Invalid data is still sent:
#   it must never cause a 5xx and every answer must match the schema.
EXCLUDED_CHECKS = [checks.positive_data_acceptance, checks.negative_data_rejection]
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "8"))

# Loaded at collection (schemathesis' lazy fixture loader does not work with pytest 9). The
# schema view needs neither the database nor credentials.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema", WSGIHandler())
CASES: Counter[str] = Counter()  # generated requests per operation, for docs/RELIABILITY.md


@pytest.fixture(scope="module", autouse=True)
def _report_cases():
    yield
    print(f"\nfuzz: {sum(CASES.values())} requests over {len(CASES)} operations")


@pytest.fixture(autouse=True)
def _flood_ready(db, settings):
    # Fuzzing is a flood by design: lift the limits so answers are about the input, not the pace.
    settings.THROTTLE_RATES = {scope: "1000000/minute" for scope in settings.THROTTLE_RATES}
    # Like Django's test client: keep the test's connection (and its transaction) across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzzer(db):
    """A user with a friend and a direct chat, so generated ids sometimes meet real objects."""
    from messaging.services.chats import get_or_create_direct_chat

    user, friend = UserFactory(username="fuzzer"), UserFactory(username="friend")
    befriend(user, friend)
    get_or_create_direct_chat(actor=user, other_id=friend.id)
    return user


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_without_5xx_and_as_documented(case, fuzzer):
    # A fresh token per request: a generated logout must not sign the rest of the run out.
    CASES[case.operation.label] += 1
    token = issue_token(user=fuzzer)
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, excluded_checks=EXCLUDED_CHECKS)
