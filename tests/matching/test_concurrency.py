from __future__ import annotations

from collections import Counter

import pytest

from matching.models import Match, MatchSeat, QueueEntry
from matching.services import join_queue
from tests.concurrency import at_once
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_twenty_people_joining_at_once_make_exactly_ten_matches(postgres):
    users = [UserFactory() for _ in range(20)]
    results = at_once(*[lambda user=user: join_queue(actor=user) for user in users])
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(isinstance(r, Match) for r in results) == 10
    assert Match.objects.count() == 10 and not QueueEntry.objects.exists()
    partners = Counter()
    for a, b in Match.objects.values_list("user_a_id", "user_b_id"):
        partners.update([a, b])
    assert set(partners) == {u.id for u in users} and set(partners.values()) == {1}
    assert MatchSeat.objects.count() == 20


@pytest.mark.django_db(transaction=True)
def test_one_person_joining_five_times_at_once_waits_once(postgres):
    user = UserFactory()
    results = at_once(*[lambda: join_queue(actor=user) for _ in range(5)])
    assert sorted(type(r).__name__ for r in results) == ["AlreadyWaiting"] * 4 + ["NoneType"]
    assert QueueEntry.objects.filter(user=user).count() == 1
