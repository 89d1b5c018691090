"""Rendering of user-written message text and chat previews: always escaped first."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import Urlizer
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from messaging import policies
from messaging.models import Message
from messaging.selectors import ChatEntry

register = template.Library()


class _UgcUrlizer(Urlizer):
    """Django's urlizer (it escapes everything around the links), marking links as user content."""

    url_template = '<a href="{href}" rel="noopener nofollow ugc">{url}</a>'


_urlize = _UgcUrlizer()


@register.filter
def message_text(text: str) -> SafeString:
    """Escape the text, link its URLs and keep its line breaks."""
    linked = mark_safe(_urlize(text, trim_url_limit=60, autoescape=True))  # noqa: S308 - escaped by the urlizer
    return linebreaksbr(linked, autoescape=True)


@register.filter
def preview(entry: ChatEntry) -> str:
    """One line about the chat's last message, as the inbox shows it (escaped by the template)."""
    message: Message | None = entry.last_message
    if message is None:
        return _("No messages yet")
    if message.deleted:
        body = _("Message deleted")
    elif message.kind == Message.Kind.STICKER:
        body = _("Sticker: %(name)s") % {"name": message.sticker.name}
    elif message.kind == Message.Kind.IMAGE:
        body = _("Photo") + (f": {message.text}" if message.text else "")
    elif message.kind == Message.Kind.FILE:
        body = _("File: %(name)s") % {"name": message.file_name}
    elif message.kind == Message.Kind.VOICE:
        body = _("Voice message %(duration)s") % {"duration": duration(message.file_duration_s)}
    else:
        body = message.text
    body = Truncator(" ".join(body.split())).chars(90)
    if message.kind == Message.Kind.SYSTEM or message.sender_id is None:
        return body
    if message.sender_id == entry.participant.user_id:
        return _("You: %(text)s") % {"text": body}
    if entry.chat.kind == "group":
        return f"{message.sender.name}: {body}"
    return body


@register.filter
def chat_title(entry: ChatEntry) -> str:
    if entry.chat.kind == "group":
        return entry.chat.name
    names = [m.name for m in entry.others]
    return ", ".join(names) or _("Deleted user")


@register.filter
def day_label(moment: datetime) -> str:
    """"Today", "Yesterday" or the date, for the separators between days of a conversation."""
    day = timezone.localdate(moment)
    today = timezone.localdate()
    if day == today:
        return _("Today")
    if day == today - timedelta(days=1):
        return _("Yesterday")
    return date_format(day, "DATE_FORMAT")


@register.filter
def duration(seconds: float | None) -> str:
    """m:ss, as players show it (0:42, 4:05)."""
    total = round(seconds or 0)
    return f"{total // 60}:{total % 60:02d}"


@register.filter
def file_size(size: int | None) -> str:
    """A size as people read it: 812 B, 4.2 KB, 23.5 MB (decimal units, like file managers)."""
    size = size or 0
    for unit in ("B", "KB", "MB"):
        if size < 1000 or unit == "MB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} MB"


_ICONS = [("image/", "image"), ("audio/", "audio"), ("video/", "video"), ("application/pdf", "pdf"),
          ("text/", "text"), ("application/zip", "archive"), ("application/x-", "archive")]


@register.filter
def file_icon(content_type: str) -> str:
    """Which icon a file gets in its bubble, by its type (read from its bytes)."""
    return next((icon for prefix, icon in _ICONS if (content_type or "").startswith(prefix)), "file")


@register.filter
def file_extension(name: str) -> str:
    """The few letters on a file's icon: its extension (PDF, ZIP), else a generic label."""
    stem, dot, extension = (name or "").rpartition(".")
    return extension[:4].upper() if dot and stem and extension.isalnum() else "FILE"


# --- reactions and mentions ----------------------------------------------------------------------

# The quick bar beside each message, and the picker (both work without JavaScript: small forms).
REACTION_QUICK = ["👍", "❤️", "😂", "😮", "😢", "🙏"]
REACTION_PICKER = [
    *REACTION_QUICK,
    "🎉", "🔥", "👏", "🙌", "💯", "✅", "👀", "🤔", "😍", "🥰", "😊", "😁", "🤣", "😅", "😉", "😎",
    "🤩", "🥳", "😴", "🙄", "😬", "😱", "😡", "🤯", "🥲", "🤗", "👎", "👌", "✌️", "🤝", "💪", "🫶",
    "💔", "⭐", "☕", "🍕", "🎂", "🚀",
]


@register.simple_tag
def reaction_quick() -> list[str]:
    return REACTION_QUICK


@register.filter
def reaction_chips(message: Message, user: Any) -> list[dict[str, Any]]:
    """The message's reactions for the site: emoji, count, whether `user` reacted so, and who did
    (names for the tooltip, "You" first)."""
    chips = []
    for group in getattr(message, "reaction_groups", None) or []:
        me = any(person.id == user.id for person in group.users)
        others = [person.name for person in group.users if person.id != user.id]
        names = ([_("You")] if me else []) + others
        chips.append({"emoji": group.emoji, "count": len(group.users), "me": me, "names": ", ".join(names)})
    return chips


_MENTION_IN_TEXT = re.compile(r"(?<![\w.@])@([a-z0-9_.]*[a-z0-9_])", re.IGNORECASE)


@register.filter
def mention_marks(html: SafeString, user: Any) -> SafeString:
    """Mark `@name`s in already escaped message HTML (only in its text, never inside a tag);
    the viewer's own name gets `mention-me`."""
    mine = (getattr(user, "username", "") or "").lower()

    def mark(match: re.Match) -> str:
        me = " mention-me" if match.group(1).lower() == mine else ""
        return f'<span class="mention{me}">{match.group(0)}</span>'

    parts = re.split(r"(<[^>]*>)", str(html))
    return mark_safe("".join(part if part.startswith("<") else _MENTION_IN_TEXT.sub(mark, part)  # noqa: S308
                             for part in parts))


@register.filter
def mentions_user(message: Message, user: Any) -> bool:
    return str(getattr(user, "id", "")) in (message.mentions or [])


@register.filter
def editable_by(message: Message, participant: Any) -> bool:
    """messaging.policies.may_edit, for the message menu."""
    return participant is not None and policies.may_edit(participant, message)


@register.filter
def removable_by(message: Message, participant: Any) -> bool:
    """messaging.policies.may_remove, for the message menu."""
    return participant is not None and policies.may_remove(participant, message)
