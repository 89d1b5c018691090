"""Domain errors of friendship, each with the contract's `code` and HTTP status."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chaat.errors import ChaatError, Forbidden, NotFound, RateLimited


class AlreadyFriends(ChaatError):
    code, status = "already_friends", 409
    default_detail = _("You are already friends.")


class RequestPending(ChaatError):
    code, status = "request_pending", 409
    default_detail = _("You already sent this person a friend request.")


class NotPending(ChaatError):
    code, status = "not_pending", 409
    default_detail = _("This friend request is no longer pending.")


class Cooldown(ChaatError):
    code, status = "cooldown", 409
    default_detail = _("This person declined your request. You can ask again after 24 hours.")


class Blocked(ChaatError):
    """Either user blocked the other; says nothing about who."""

    code, status = "blocked", 403
    default_detail = _("You cannot do that with this person.")


class NotRecipient(Forbidden):
    code = "not_recipient"
    default_detail = _("Only the person who received this request can do that.")


class NotSender(Forbidden):
    code = "not_sender"
    default_detail = _("Only the person who sent this request can do that.")


class NotFriends(NotFound):
    """Unfriending someone who is not a friend: the contract's 404."""

    default_detail = _("You are not friends with this person.")


class NotBlocked(NotFound):
    default_detail = _("You have not blocked this person.")


class TooManyPending(RateLimited):
    code = "too_many_pending"
    default_detail = _("You have too many friend requests waiting for an answer.")


class RecipientBusy(RateLimited):
    code = "too_many_requests_received"
    default_detail = _("This person received many friend requests recently. Try again later.")
