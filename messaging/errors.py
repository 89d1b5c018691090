from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chaat.errors import ChaatError


class NotFriends(ChaatError):
    code, status = "not_friends", 403
    default_detail = _("You can only do this with friends.")


class Blocked(ChaatError):
    code, status = "blocked", 403
    default_detail = _("You cannot message this person.")


class MatchEnded(ChaatError):
    code, status = "match_ended", 409
    default_detail = _("This match has ended.")


class NotAllowed(ChaatError):
    code, status = "forbidden", 403
    default_detail = _("You may not do that in this chat.")
