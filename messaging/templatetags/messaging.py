"""Rendering of user-written message text and chat previews: always escaped first."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import Urlizer
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

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
