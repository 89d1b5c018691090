"""The chat pages of the site: the same services as the API, then a redirect (POST-redirect-GET).
The conversation page and its fragments follow the DOM contract the live-site JavaScript uses."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from chaat.errors import ChaatError, NotFound
from chaat.site import add_error, error_text, flash_error
from friends.selectors import list_friends_by_name
from messaging import policies, selectors
from messaging.forms import EditForm, GroupForm, RenameForm
from messaging.models import Message, Participant
from messaging.selectors import ChatEntry
from messaging.services.chats import create_group, get_or_create_direct_chat, leave_chat, rename_group
from messaging.services.editing import add_reaction, delete_message, edit_message, remove_reaction
from messaging.services.members import add_member, remove_member, set_member_role
from messaging.services.reading import mark_read
from messaging.services.sending import send_message
from messaging.templatetags.messaging import REACTION_PICKER

FRAGMENT_LIMIT = 100
INBOX_PAGE = 200  # chats per page of the chat list; "More chats" pages on by cursor
GROUP_GAP_SECONDS = 300  # one sender's messages closer than this share a bubble group


def _entry(request: HttpRequest, chat_id: UUID) -> ChatEntry:
    try:
        return selectors.get_chat(user=request.user, chat_id=chat_id)
    except NotFound as exc:
        raise Http404 from exc


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError as exc:
        raise Http404 from exc


def _chat_url(chat_id: UUID, seq: int | None = None) -> str:
    url = reverse("chat", kwargs={"chat_id": chat_id})
    return f"{url}#m-{seq}" if seq else url


def _quote_visible_replies(items: list[Message], participant: Participant) -> list[Message]:
    """A reply shows what it answers, unless that is older than what this member may see."""
    for message in items:
        quoted = message.reply_to
        message.quoted = quoted if quoted is not None and participant.sees(quoted.seq) else None
    return items


def _message_context(entry: ChatEntry) -> dict[str, Any]:
    """What templates/messaging/_message.html needs besides the message."""
    return {"chat": entry.chat, "me": entry.participant, "may_manage": entry.may_manage,
            "my_language": entry.participant.language}


def _presence(user: User) -> dict[str, bool]:
    """Online state of the viewer's friends by user id (str): only friends get a presence dot."""
    return {str(friend): online for friend, online in selectors.friends_presence(user=user)}


def _chat_list(request: HttpRequest, *, current: UUID | None = None) -> dict[str, Any]:
    """What the chat list pane (templates/messaging/_chat_list.html) needs: one page of chats,
    the cursor of the next one, the unread total for the page title and the friends' presence."""
    cursor = request.GET.get("cursor") if current is None else None
    try:
        entries, more = selectors.list_chats(user=request.user, cursor=cursor, limit=INBOX_PAGE)
    except ChaatError as exc:
        raise BadRequest(str(exc.detail)) from exc
    return {
        "entries": entries,
        "next_cursor": more or "",
        "unread_total": sum(entry.unread_count for entry in entries),
        "current_chat_id": current,
        "presence": _presence(request.user),
        "nav": "chats",
    }


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "messaging/inbox.html", _chat_list(request))


@login_required
@require_GET
def chat_row(request: HttpRequest, chat_id: UUID) -> HttpResponse:
    context = {"entry": _entry(request, chat_id), "presence": _presence(request.user)}
    return render(request, "messaging/_chat_row.html", context)


@login_required
def chat(request: HttpRequest, chat_id: UUID) -> HttpResponse:
    return _conversation(request, _entry(request, chat_id))


def _group(items: list[Message]) -> list[Message]:
    """Mark where a new day starts (`day_break`) and which messages continue their sender's run
    (`continues`: same sender, same day, a few minutes apart), so bubbles group as in a messenger.
    The page's script does the same for messages that arrive live."""
    previous = None
    for message in items:
        day = timezone.localdate(message.created_at)
        message.day_break = previous is None or day != timezone.localdate(previous.created_at)
        message.continues = bool(
            previous is not None and not message.day_break and message.kind != Message.Kind.SYSTEM
            and previous.kind != Message.Kind.SYSTEM and message.sender_id is not None
            and message.sender_id == previous.sender_id
            and (message.created_at - previous.created_at).total_seconds() < GROUP_GAP_SECONDS
        )
        previous = message
    return items


def _conversation(request: HttpRequest, entry: ChatEntry, *, draft: str = "", error: str = "",
                  status: int = 200) -> HttpResponse:
    before = _int(request.GET.get("before"))
    participant = entry.participant
    newer = False  # the page stops before the latest message; the page's script fetches the rest
    if before is None and entry.unread_count > FRAGMENT_LIMIT - 10:
        # More unread than a page holds: start a few messages before the first unread one.
        start = max(participant.last_read_seq - 5, participant.visible_from_seq - 1)
        items, newer = selectors.list_messages(participant=participant, after=start, quotes=True,
                                               limit=FRAGMENT_LIMIT)
        has_more = bool(items) and items[0].seq > max(participant.visible_from_seq, 1)
    else:
        # Enough of the latest messages to show the first unread one.
        limit = min(FRAGMENT_LIMIT, max(selectors.HISTORY_DEFAULT_LIMIT, entry.unread_count + 10))
        items, has_more = selectors.list_messages(participant=participant, before=before, quotes=True,
                                                  limit=limit)
    first_unread = None
    if before is None:
        first_unread = next((m.seq for m in items if m.seq > participant.last_read_seq
                             and m.sender_id not in (None, request.user.id)), None)
    if before is None and items and items[-1].seq > participant.last_read_seq:
        # Opening the latest page of a chat is reading it.
        participant.last_read_seq = mark_read(actor=request.user, chat_id=entry.chat.id, seq=items[-1].seq)
    reply_to = None
    if request.GET.get("reply"):
        try:
            reply_to = selectors.visible_messages(participant).filter(pk=UUID(request.GET["reply"]),
                                                                      deleted_at__isnull=True).first()
        except ValueError:
            reply_to = None
    context = {
        **_chat_list(request, current=entry.chat.id),
        "entry": entry,
        "items": _group(_quote_visible_replies(items, participant)),
        "first_unread_seq": first_unread,
        "shown_last_seq": items[-1].seq if newer else entry.chat.last_seq,
        "has_more": has_more,
        "before": before,
        "others_read_seq": selectors.others_read_seq(participant=participant),
        "stickers": selectors.list_stickers(),
        "picker": REACTION_PICKER,
        "client_id": uuid.uuid4(),
        "reply_to": reply_to,
        "draft": draft,
        "error": error,
        "nav": "chats",
        **_message_context(entry),
    }
    return render(request, "messaging/chat.html", context, status=status)


@login_required
@require_POST
def chat_send(request: HttpRequest, chat_id: UUID) -> HttpResponse:
    """The send form without JavaScript: a sticker button, an image or text decide the kind."""
    entry = _entry(request, chat_id)
    data = request.POST
    image, file = request.FILES.get("image"), request.FILES.get("file")
    kind = "sticker" if data.get("sticker") else "image" if image else data.get("kind") or "text"
    if file is not None and kind not in ("file", "voice"):
        kind = "file"
    try:
        client_id = UUID(data.get("client_id", ""))
    except ValueError:
        client_id = uuid.uuid4()
    reply_to = None
    if data.get("reply_to"):
        try:
            reply_to = UUID(data["reply_to"])
        except ValueError:
            reply_to = None
    try:
        message, _created = send_message(actor=request.user, chat_id=chat_id, client_id=client_id,
                                         kind=kind, text=data.get("text", ""), sticker=data.get("sticker"),
                                         image=image, file=file, reply_to=reply_to)
    except ChaatError as exc:
        return _conversation(request, entry, draft=data.get("text", ""), error=error_text(exc), status=exc.status)
    return redirect(_chat_url(chat_id, message.seq))


@login_required
@require_GET
def chat_fragments(request: HttpRequest, chat_id: UUID) -> HttpResponse:
    """`?after=<seq>`: the messages after it (at most 100, ascending); `?seq=<seq>`: that one;
    `?before=<seq>`: the 50 before it, with `X-Has-More: 1|0` saying whether older ones remain."""
    entry = _entry(request, chat_id)
    seq, after, before = _int(request.GET.get("seq")), _int(request.GET.get("after")), _int(request.GET.get("before"))
    if seq is not None:
        try:
            items = [selectors.get_message(participant=entry.participant, seq=seq)]
        except NotFound as exc:
            raise Http404 from exc
    elif before is not None:
        items, more = selectors.list_messages(participant=entry.participant, before=before,
                                              limit=selectors.HISTORY_DEFAULT_LIMIT, quotes=True)
    else:
        items, _more = selectors.list_messages(participant=entry.participant, after=after or 0,
                                               limit=FRAGMENT_LIMIT, quotes=True)
    context = {"items": _group(_quote_visible_replies(items, entry.participant)), **_message_context(entry)}
    response = render(request, "messaging/_messages.html", context)
    if before is not None:
        response["X-Has-More"] = "1" if more else "0"
    return response


@login_required
@require_POST
def chat_start_direct(request: HttpRequest) -> HttpResponse:
    """Open (or start) the direct chat with a friend: the Friends page posts here."""
    try:
        other_id = UUID(request.POST.get("user", ""))
        chat, _created = get_or_create_direct_chat(actor=request.user, other_id=other_id)
    except ValueError:
        messages.error(request, _("No such user."))
    except ChaatError as exc:
        flash_error(request, exc)
    else:
        return redirect(_chat_url(chat.id))
    return redirect("friends")


@login_required
def group_new(request: HttpRequest) -> HttpResponse:
    friends = list_friends_by_name(request.user)
    form = GroupForm(request.POST or None, friends=friends)
    if request.method == "POST" and form.is_valid():
        try:
            chat = create_group(actor=request.user, name=form.cleaned_data["name"],
                                member_ids=[UUID(m) for m in form.cleaned_data["members"]])
        except ChaatError as exc:
            add_error(form, exc)
        else:
            return redirect(_chat_url(chat.id))
    return render(request, "messaging/group_new.html", {"form": form, "friends": friends, "nav": "chats"},
                  status=400 if form.errors else 200)


@login_required
def chat_settings(request: HttpRequest, chat_id: UUID) -> HttpResponse:
    """Group settings (rename, add, remove, roles, leave); for other chats only "delete chat"."""
    entry = _entry(request, chat_id)
    if request.method == "POST":
        return _settings_action(request, entry)
    members = selectors.list_members(chat_id=chat_id)
    me = entry.participant
    rows = [
        {
            "participant": p,
            "may_remove": policies.may_remove_member(me, p),
            "may_promote": me.role == Participant.Role.OWNER and p.role != Participant.Role.OWNER,
        }
        for p in members
    ]
    context = {
        "entry": entry,
        "rows": rows,
        "rename_form": RenameForm(initial={"name": entry.chat.name}),
        "addable": list_friends_by_name(request.user, exclude={p.user_id for p in members}) if entry.may_manage else [],
        "nav": "chats",
    }
    return render(request, "messaging/settings.html", context)


def _settings_action(request: HttpRequest, entry: ChatEntry) -> HttpResponse:
    chat_id, action, data = entry.chat.id, request.POST.get("action"), request.POST
    try:
        if action == "rename":
            rename_group(actor=request.user, chat_id=chat_id, name=data.get("name", ""))
            messages.success(request, _("Group renamed."))
        elif action == "add":
            add_member(actor=request.user, chat_id=chat_id, user_id=UUID(data.get("user", "")))
            messages.success(request, _("Member added."))
        elif action == "remove":
            remove_member(actor=request.user, chat_id=chat_id, user_id=UUID(data.get("user", "")))
            messages.success(request, _("Member removed."))
        elif action == "role":
            set_member_role(actor=request.user, chat_id=chat_id, user_id=UUID(data.get("user", "")),
                            role=data.get("role", ""))
            messages.success(request, _("Role changed."))
        else:
            raise Http404
    except ValueError:
        messages.error(request, _("Choose someone first."))
    except ChaatError as exc:
        flash_error(request, exc)
    return redirect("chat-settings", chat_id=chat_id)


@login_required
@require_POST
def chat_delete(request: HttpRequest, chat_id: UUID) -> HttpResponse:
    """Delete chat: leave it; its history is gone for you."""
    try:
        leave_chat(actor=request.user, chat_id=chat_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Chat deleted."))
    return redirect("inbox")


def _message(request: HttpRequest, entry: ChatEntry, message_id: UUID) -> Message:
    try:
        return selectors.access_message(participant=entry.participant, message_id=message_id)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def message_edit(request: HttpRequest, chat_id: UUID, message_id: UUID) -> HttpResponse:
    """A small page to edit your own text message without JavaScript."""
    entry = _entry(request, chat_id)
    message = _message(request, entry, message_id)
    if not policies.may_edit(entry.participant, message) or message.deleted:
        raise PermissionDenied
    form = EditForm(request.POST or None, initial={"text": message.text})
    if request.method == "POST" and form.is_valid():
        try:
            edit_message(actor=request.user, chat_id=chat_id, message_id=message_id,
                         text=form.cleaned_data["text"])
        except ChaatError as exc:
            add_error(form, exc)
        else:
            return redirect(_chat_url(chat_id, message.seq))
    context = {"entry": entry, "message": message, "form": form, "nav": "chats"}
    return render(request, "messaging/message_edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def message_delete(request: HttpRequest, chat_id: UUID, message_id: UUID) -> HttpResponse:
    entry = _entry(request, chat_id)
    message = _message(request, entry, message_id)
    try:
        delete_message(actor=request.user, chat_id=chat_id, message_id=message_id)
    except ChaatError as exc:
        flash_error(request, exc)
    return redirect(_chat_url(chat_id, message.seq))


@login_required
@require_GET
def message_edits(request: HttpRequest, chat_id: UUID, message_id: UUID) -> HttpResponse:
    entry = _entry(request, chat_id)
    message = _message(request, entry, message_id)
    edits = selectors.list_edits(participant=entry.participant, message_id=message_id)
    return render(request, "messaging/message_edits.html",
                  {"entry": entry, "message": message, "edits": edits, "nav": "chats"})


@login_required
def message_react(request: HttpRequest, chat_id: UUID, message_id: UUID) -> HttpResponse:
    """Reactions without JavaScript: GET shows the picker, POST `emoji` with `action` add or
    remove (the small forms under and beside each message) and returns to the message."""
    entry = _entry(request, chat_id)
    message = _message(request, entry, message_id)
    if request.method != "POST":
        return render(request, "messaging/message_react.html",
                      {"entry": entry, "message": message, "picker": REACTION_PICKER})
    change = remove_reaction if request.POST.get("action") == "remove" else add_reaction
    try:
        change(actor=request.user, chat_id=chat_id, message_id=message_id, emoji=request.POST.get("emoji", ""))
    except ChaatError as exc:
        flash_error(request, exc)
    return redirect(_chat_url(chat_id, message.seq))
