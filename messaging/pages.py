"""The API's two hottest reads, a page of history and a page of the inbox, in plain SQL straight
into the API's dicts: with the ORM, compiling the queries and building model instances that were
only read back into dicts took most of their CPU (py-spy profiles, docs/PERFORMANCE.md, issue 20).
Plain SQL that PostgreSQL and SQLite both run; each column goes through its field's own database
converters, so the values are the ones the ORM would have read. The shapes are MessageOut's and
ChatOut's; the site and single messages still use selectors and serializers, and
tests/messaging/test_pages.py compares the two for every feature of a message and a chat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.serializers import UserData, avatar_file_url
from chaat.errors import Invalid
from chaat.pagination import DEFAULT_PAGE_SIZE
from messaging.models import VISIBLE_SQL, Chat, Mention, Message, Participant, Reaction, Sticker
from messaging.selectors import CHAT_PAGES
from messaging.serializers import ChatData, MessageData, user_data
from messaging.store import Columns, fetch, uuid_param, uuid_params
from translation.models import text_hash
from translation.selectors import kept_translations, translates

_CHAT, _MESSAGE, _PARTICIPANT, _REACTION, _MENTION, _STICKER, _USER = (
    m._meta.db_table for m in (Chat, Message, Participant, Reaction, Mention, Sticker, User))
_VISIBLE = VISIBLE_SQL.format(message="m", participant="p")


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


# --- messages -------------------------------------------------------------------------------------

_MESSAGE_COLUMNS = Columns(
    *[("m", Message, name) for name in (
        "id", "chat_id", "seq", "kind", "text", "lang", "sticker_id", "image", "file", "file_name", "file_size",
        "file_content_type", "file_duration_s", "reply_to_id", "client_id", "created_at", "edited_at",
        "deleted_at", "mentions")],
    ("st", Sticker, "pack"), ("st", Sticker, "name"),
    ("u", User, "id"), ("u", User, "username"), ("u", User, "display_name"), ("u", User, "avatar"),
)
_MESSAGE_FROM = (f"{_MESSAGE} m LEFT JOIN {_USER} u ON u.id = m.sender_id "
                 f"LEFT JOIN {_STICKER} st ON st.id = m.sticker_id")
_ID, _KIND, _TEXT, _LANG, _DELETED_AT = 0, 3, 4, 5, 17  # positions in a message row
_REACTION_COLUMNS = Columns(("r", Reaction, "message_id"), ("r", Reaction, "emoji"), ("r", Reaction, "user_id"))
_MEMBER_CHAT_COLUMN = Columns(("p", Participant, "chat_id"))
_USER_COLUMNS = Columns(("u", User, "id"), ("u", User, "username"), ("u", User, "display_name"),
                         ("u", User, "avatar"))


def _translates(auto_translate: bool, language: str, row: list[Any]) -> bool:
    return translates(auto_translate=auto_translate, language=language, deleted=row[_DELETED_AT] is not None,
                      lang=row[_LANG], kind=row[_KIND])


class _Renderer:
    """Rows rendered as MessageOut and UserOut render them, for one viewer."""

    def __init__(self, viewer_id: UUID) -> None:
        self.viewer_id = viewer_id
        self.users: dict[UUID, UserData] = {}
        self.zone = timezone.get_current_timezone()

    def timestamp(self, value: datetime | None) -> str | None:
        """DRF's DateTimeField.to_representation (ISO 8601 in the current time zone, UTC as Z), with
        the zone looked up once a page: that lookup was most of its cost, 6 % of a history page's CPU."""
        if value is None:
            return None
        text = value.astimezone(self.zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def user(self, user_id: UUID, username: str, display_name: str, avatar: str) -> UserData:
        """A user's dict, made once a page (a chat has few senders, an inbox page one viewer)."""
        data = self.users.get(user_id)
        if data is None:
            data = self.users[user_id] = {"id": str(user_id), "username": username, "display_name": display_name,
                                          "avatar_url": avatar_file_url(avatar)}
        return data

    def messages(self, rows: list[list[Any]], translate_to: dict[UUID, str]) -> list[MessageData]:
        """The dicts of these message rows, with their reactions (one query, none when no row can
        carry any) and the kept translations into the languages of `translate_to` {message id:
        the reader's language} (one query, only when it is not empty)."""
        reactions = self._reactions([row[_ID] for row in rows if row[_DELETED_AT] is None])
        translations: dict[UUID, dict | None] = {}
        if translate_to:
            found = kept_translations(set(translate_to), set(translate_to.values()))
            for row in rows:
                if (language := translate_to.get(row[_ID])) is not None:
                    text = found.get((row[_ID], language, text_hash(row[_TEXT])))
                    translations[row[_ID]] = None if text is None else {"to": language, "text": text}
        return [self.message(row, reactions.get(row[_ID], []), translations.get(row[_ID])) for row in rows]

    def message(self, row: list[Any], reactions: list[dict], translation: dict | None) -> MessageData:
        (message_id, chat_id, seq, kind, text, lang, sticker_id, image, file, file_name, file_size, file_type,
         duration, reply_to_id, client_id, created_at, edited_at, deleted_at, mentions, sticker_pack, sticker_name,
         sender_id, username, display_name, avatar) = row
        deleted = deleted_at is not None
        return {
            "id": str(message_id),
            "chat_id": str(chat_id),
            "seq": seq,
            "sender": None if sender_id is None else self.user(sender_id, username, display_name, avatar),
            "kind": kind,
            "text": "" if deleted else text,
            "sticker": None if deleted or sticker_id is None else {
                "id": sticker_id, "pack": sticker_pack, "name": sticker_name,
                "image_url": reverse("sticker-image", kwargs={"sticker_id": sticker_id})},
            "image_url": None if deleted or not image else reverse(
                "chat-image", kwargs={"chat_id": chat_id, "message_id": message_id}),
            "reply_to": None if reply_to_id is None else str(reply_to_id),
            "client_id": None if client_id is None else str(client_id),
            "created_at": self.timestamp(created_at),
            "edited_at": self.timestamp(edited_at),
            "deleted": deleted,
            "lang": lang,
            "translation": None if deleted else translation,
            "file": None if deleted or not file else {
                "url": reverse("chat-file", kwargs={"chat_id": chat_id, "message_id": message_id}),
                "name": file_name, "size": file_size, "content_type": file_type, "duration_s": duration},
            "reactions": reactions,
            "mentions": list(mentions),
        }

    def _reactions(self, message_ids: list[UUID]) -> dict[UUID, list[dict]]:
        """{message id: its reactions as the viewer sees them}, each emoji in the order it first
        appeared (selectors.attach_reactions with serializers.reactions_data, in one query)."""
        if not message_ids:
            return {}
        rows = fetch(f"SELECT {_REACTION_COLUMNS.sql} FROM {_REACTION} r "  # noqa: S608
                      f"WHERE r.message_id IN ({_placeholders(message_ids)}) ORDER BY r.created_at, r.id",
                      uuid_params(message_ids), (0, _REACTION_COLUMNS))
        groups: dict[UUID, dict[str, dict]] = {}
        for message_id, emoji, user_id in rows:
            group = groups.setdefault(message_id, {}).get(emoji)
            if group is None:
                group = groups[message_id][emoji] = {"emoji": emoji, "count": 0, "me": False}
            group["count"] += 1
            group["me"] = group["me"] or user_id == self.viewer_id
        return {message_id: list(by_emoji.values()) for message_id, by_emoji in groups.items()}


def history(*, participant: Participant, before: int | None = None, after: int | None = None,
            limit: int, viewer_id: UUID) -> tuple[list[MessageData], bool]:
    """selectors.list_messages as the API renders it (MessageOut for `viewer_id`): a page ascending
    by seq of what the participant may see, and whether more lies beyond it."""
    # The participation in hand as a one-row table, so that the visibility rule is VISIBLE_SQL's.
    sql = (f"SELECT {_MESSAGE_COLUMNS.sql} FROM {_MESSAGE_FROM}, "  # noqa: S608
           f"(SELECT CAST(%s AS BIGINT) AS visible_from_seq) p WHERE m.chat_id = %s AND {_VISIBLE}")
    params: list[Any] = [participant.visible_from_seq, uuid_param(participant.chat_id)]
    if after is not None:
        sql += " AND m.seq > %s ORDER BY m.seq LIMIT %s"
        params += [after, limit + 1]
    else:
        if before is not None:
            sql += " AND m.seq < %s"
            params.append(before)
        sql += " ORDER BY m.seq DESC LIMIT %s"
        params.append(limit + 1)
    rows = fetch(sql, params, (0, _MESSAGE_COLUMNS))
    more = len(rows) > limit
    rows = rows[:limit]
    if after is None:
        rows.reverse()
    translate_to = {}
    if participant.auto_translate:
        translate_to = {row[_ID]: participant.language for row in rows
                        if _translates(True, participant.language, row)}
    return _Renderer(viewer_id).messages(rows, translate_to), more


# --- the inbox ------------------------------------------------------------------------------------

_CHAT_COLUMNS = Columns(
    *[("p", Participant, name) for name in (
        "chat_id", "role", "last_read_seq", "visible_from_seq", "language", "auto_translate", "notify",
        "muted_until")],
    *[("c", Chat, name) for name in ("kind", "name", "created_at", "last_seq", "direct_key")],
)
_ACTIVITY = "COALESCE(c.last_message_at, c.created_at)"
_ACTIVITY_COLUMN = Columns(("c", Chat, "created_at"))  # converted as the fields it is made of
# The last seq a participation needs no more (selectors._after_marker): read, or before what it may see.
_AFTER_MARKER = ("CASE WHEN p.last_read_seq > p.visible_from_seq - 1 THEN p.last_read_seq "
                 "ELSE p.visible_from_seq - 1 END")
# selectors._unread_subquery and _unread_mentions_subquery.
_UNREAD = (f"(SELECT COUNT(*) FROM {_MESSAGE} m WHERE m.chat_id = p.chat_id AND m.deleted_at IS NULL "  # noqa: S608
           f"AND m.seq > {_AFTER_MARKER} AND m.kind <> '{Message.Kind.SYSTEM.value}' "
           f"AND (m.sender_id IS NULL OR m.sender_id <> p.user_id))")
_UNREAD_MENTIONS = (f"(SELECT COUNT(*) FROM {_MENTION} n WHERE n.chat_id = p.chat_id "  # noqa: S608
                    f"AND n.seq > {_AFTER_MARKER} AND n.user_id = p.user_id)")


def inbox(*, user: User, cursor: str | None = None,
          limit: int = DEFAULT_PAGE_SIZE) -> tuple[list[ChatData], str | None]:
    """selectors.list_chats as the API renders it (ChatOut): the viewer's chats, most recent
    activity first, and the cursor of the next page (or None); a forged cursor is Invalid. The
    same queries whatever the number of chats: the page, its members, its last messages, their
    reactions, and the translations when the viewer auto-translates in one of them."""
    page = (f"SELECT {_CHAT_COLUMNS.sql}, p.user_id, {_ACTIVITY} AS activity "  # noqa: S608
            f"FROM {_PARTICIPANT} p JOIN {_CHAT} c ON c.id = p.chat_id WHERE p.user_id = %s")
    params: list[Any] = [uuid_param(user.id)]
    if cursor:
        activity, chat_id = _chat_key(cursor)
        page += f" AND ({_ACTIVITY} < %s OR ({_ACTIVITY} = %s AND p.chat_id < %s))"
        params += [activity, activity, chat_id]
    page += f" ORDER BY {_ACTIVITY} DESC, p.chat_id DESC LIMIT %s"
    params.append(limit + 1)
    # The counts outside the page's own query, so they run for its rows only: PostgreSQL counted the
    # mentions of all 1,000 chats before the sort (EXPLAIN ANALYZE: 2.6-2.8 ms, now 1.8 ms).
    width = len(_CHAT_COLUMNS.fields)
    rows = fetch(f"SELECT p.*, {_UNREAD}, {_UNREAD_MENTIONS} FROM ({page}) p "  # noqa: S608
                 "ORDER BY p.activity DESC, p.chat_id DESC", params, (0, _CHAT_COLUMNS), (width + 1, _ACTIVITY_COLUMN))
    after = None
    if len(rows) > limit:
        rows = rows[:limit]
        after = CHAT_PAGES.sign([rows[-1][width + 1], rows[-1][0]])
    if not rows:
        return [], after
    renderer = _Renderer(user.id)
    chat_ids = [row[0] for row in rows]
    members = _members(renderer, rows)
    last = {message[1]: message for message in fetch(
        f"SELECT {_MESSAGE_COLUMNS.sql} FROM {_MESSAGE_FROM} "  # noqa: S608
        f"JOIN {_CHAT} c ON c.id = m.chat_id AND m.seq = c.last_seq "
        f"JOIN {_PARTICIPANT} p ON p.chat_id = m.chat_id AND p.user_id = %s AND {_VISIBLE} "
        f"WHERE m.chat_id IN ({_placeholders(chat_ids)})",
        uuid_params([user.id, *chat_ids]), (0, _MESSAGE_COLUMNS))}
    translate_to = {}
    for row in rows:
        message = last.get(row[0])
        if message is not None and _translates(row[5], row[4], message):
            translate_to[message[_ID]] = row[4]
    last_data = dict(zip(last, renderer.messages(list(last.values()), translate_to), strict=True))
    return [_chat(renderer, row, members[row[0]], last_data.get(row[0]), row[width + 2], row[width + 3])
            for row in rows], after


def _chat_key(cursor: str) -> tuple[Any, Any]:
    """The (activity, chat id) of a cursor, as the driver takes them; Invalid for a forged one."""
    activity, chat_id = CHAT_PAGES.key(cursor)
    try:
        return connection.ops.adapt_datetimefield_value(datetime.fromisoformat(activity)), uuid_param(UUID(chat_id))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Invalid(fields={"cursor": [str(_("Not a valid cursor."))]}) from exc


def _members(renderer: _Renderer, rows: list[list[Any]]) -> dict[UUID, list[UserData]]:
    """The members of the page's chats in the order they joined (one query), and whoever a direct
    chat is with although they deleted it (selectors._add_direct_partners_who_left)."""
    members: dict[UUID, list[UserData]] = {row[0]: [] for row in rows}
    found = fetch(f"SELECT p.chat_id, {_USER_COLUMNS.sql} FROM {_PARTICIPANT} p "  # noqa: S608
                   f"JOIN {_USER} u ON u.id = p.user_id "
                   f"WHERE p.chat_id IN ({_placeholders(rows)}) ORDER BY p.joined_at",
                   uuid_params(row[0] for row in rows), (0, _MEMBER_CHAT_COLUMN), (1, _USER_COLUMNS))
    present: dict[UUID, set[UUID]] = {row[0]: set() for row in rows}
    for chat_id, user_id, username, display_name, avatar in found:
        members[chat_id].append(renderer.user(user_id, username, display_name, avatar))
        present[chat_id].add(user_id)
    missing = {row[0]: [UUID(part) for part in row[12].split(":") if UUID(part) not in present[row[0]]]
               for row in rows if row[8] == Chat.Kind.DIRECT and len(present[row[0]]) < 2}
    if missing:
        users = User.objects.in_bulk([user_id for ids in missing.values() for user_id in ids])
        for chat_id, ids in missing.items():
            members[chat_id].extend(user_data(users[user_id]) for user_id in ids if user_id in users)
    return members


def _chat(renderer: _Renderer, row: list[Any], members: list[UserData], last_message: MessageData | None, unread: int,
          unread_mentions: int) -> ChatData:
    (chat_id, role, last_read_seq, _visible_from_seq, language, auto_translate, notify, muted_until, kind, name,
     created_at, last_seq, _direct_key) = row[:len(_CHAT_COLUMNS.fields)]
    return {
        "id": str(chat_id),
        "kind": kind,
        "name": name,
        "members": members,
        "created_at": renderer.timestamp(created_at),
        "last_message": last_message,
        "last_seq": last_seq,
        "last_read_seq": last_read_seq,
        "unread_count": unread,
        "unread_mentions": unread_mentions,
        "my_role": role,
        "settings": {"language": language, "auto_translate": auto_translate, "notify": notify,
                     "muted_until": renderer.timestamp(muted_until)},
    }
