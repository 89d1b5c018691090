"""Who may do what in a chat: the one place of each rule. Services enforce them (raising
NotAllowed), and the site, the templates and the admin ask them before offering an action."""

from __future__ import annotations

from messaging.models import Chat, Message, Participant

MANAGERS = (Participant.Role.OWNER, Participant.Role.ADMIN)


def may_manage(participant: Participant) -> bool:
    """Owner or admin of a group: may rename it, add and remove members, delete others' messages."""
    return participant.chat.kind == Chat.Kind.GROUP and participant.role in MANAGERS


def may_remove_member(participant: Participant, target: Participant) -> bool:
    """A manager removes someone else: the owner anyone, an admin plain members only."""
    return (may_manage(participant) and target.user_id != participant.user_id
            and (participant.role == Participant.Role.OWNER or target.role == Participant.Role.MEMBER))


def may_edit(participant: Participant, message: Message) -> bool:
    """The sender edits their own text messages."""
    return message.sender_id == participant.user_id and message.kind == Message.Kind.TEXT


def may_remove(participant: Participant, message: Message) -> bool:
    """The sender deletes their own message, a group's manager anyone's; system messages stay."""
    return message.kind != Message.Kind.SYSTEM and (message.sender_id == participant.user_id
                                                    or may_manage(participant))
