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


class MembersNotFriends(ChaatError):
    """Adding people to a group who are not your friends; `fields` names them."""

    code, status = "not_friends", 400
    default_detail = _("You can only add your friends.")


class TooManyMembers(ChaatError):
    code, status = "too_many_members", 400
    default_detail = _("A group has at most 256 members.")


class AlreadyMember(ChaatError):
    code, status = "already_member", 409
    default_detail = _("This person is already in the chat.")


class MessageDeleted(ChaatError):
    code, status = "message_deleted", 409
    default_detail = _("This message was deleted.")


class InvalidAudio(ChaatError):
    code, status = "invalid_audio", 400
    default_detail = _("The file is not an accepted voice message (Ogg/Opus, WebM/Opus, MP4/AAC or MP3, "
                       "at most 5 minutes).")


class InvalidEmoji(ChaatError):
    code, status = "invalid_emoji", 400
    default_detail = _("React with exactly one emoji.")


class TooManyReactions(ChaatError):
    code, status = "too_many_reactions", 400
    default_detail = _("A message takes at most 20 different reactions.")


class ClientIdReused(ChaatError):
    """A `client_id` already used by this sender for another chat or other content."""

    code, status = "client_id_reused", 409
    default_detail = _("This client_id was already used for another message.")
