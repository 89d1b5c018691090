from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet

from accounts.models import User
from chaat.errors import NotFound
from friends.selectors import blocked_either_way_ids

SEARCH_LIMIT = 20


def search_users(*, viewer: User, text: str) -> QuerySet[User]:
    """Active users whose username or display name starts with `text` (case-insensitive), never
    the viewer and never anyone blocked either way; at most 20."""
    text = (text or "").strip()
    users = User.objects.filter(is_active=True).exclude(pk=viewer.pk)
    hidden = blocked_either_way_ids(viewer.pk)
    if hidden:
        users = users.exclude(pk__in=hidden)
    if text:
        users = users.filter(Q(username__istartswith=text) | Q(display_name__istartswith=text))
    return users.order_by("username")[:SEARCH_LIMIT]


def access_user(*, viewer: User, user_id: UUID) -> User:
    """A user the viewer may see (not blocked either way), else NotFound."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or (user.pk != viewer.pk and user.pk in blocked_either_way_ids(viewer.pk)):
        raise NotFound()
    return user


def get_avatar_owner(*, name: str) -> User | None:
    """The user whose avatar file is `avatars/<name>`, or None (the avatar view serves it to
    signed-in users)."""
    return User.objects.filter(avatar=f"avatars/{name}").only("avatar").first()
