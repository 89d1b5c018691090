"""factory_boy factories. Users get the password `PASSWORD` (hashed with test Argon2id costs)."""

from __future__ import annotations

import factory

from accounts.models import User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    password = factory.django.Password(PASSWORD)


def befriend(a: User, b: User):
    """Make `a` and `b` friends directly (test set-up only; the product uses friends.services)."""
    from friends.models import Friendship
    from friends.selectors import ordered_pair

    low, high = ordered_pair(a.id, b.id)
    return Friendship.objects.get_or_create(user_low_id=low, user_high_id=high)[0]
