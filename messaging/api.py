"""Chats and messages API: thin views over messaging.services and messaging.selectors."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chaat import ratelimit
from chaat.api import validated
from chaat.errors import Invalid, TooLarge
from chaat.pagination import CURSOR_PARAMETER, page
from messaging import pages, search, selectors
from messaging.serializers import (
    ChatListOut,
    ChatOut,
    ChatRenameIn,
    ChatSettingsIn,
    ChatSettingsOut,
    DirectChatIn,
    GroupCreateIn,
    MemberAddIn,
    MemberListOut,
    MemberOut,
    MemberRoleIn,
    MessageEditIn,
    MessageEditListOut,
    MessageEditOut,
    MessageOut,
    MessagePageOut,
    MessageSearchIn,
    MessageSendIn,
    PresenceIn,
    PresenceListOut,
    PresenceOut,
    ReadIn,
    SearchPageOut,
    StickerListOut,
    StickerOut,
    chat_data,
    message_data,
    search_result_data,
)
from messaging.services.chats import create_group, get_or_create_direct_chat, leave_chat, rename_group
from messaging.services.editing import add_reaction, delete_message, edit_message, remove_reaction
from messaging.services.members import add_member, remove_member, set_member_role, update_chat_settings
from messaging.services.reading import mark_read
from messaging.services.sending import send_message


def _int_param(request: Request, name: str, *, low: int, high: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f">= {low}"
        raise Invalid(fields={name: [_("An integer %(bounds)s.") % {"bounds": bounds}]})
    return value


def _refuse_oversized_body(request: Request, multipart_limit: int) -> None:
    """Bodies over 8 MiB are 413, except multipart uploads (up to `multipart_limit` plus the form
    around it). Django limits only non-file form data; DRF's JSON parser reads the stream with no
    limit at all, so the declared length is checked before parsing. Django's ASGI handler has
    spooled the body to disk past FILE_UPLOAD_MAX_MEMORY_SIZE, and the multipart parser streams
    files to temporary files, so a large upload is never held in memory."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if (request.content_type or "").startswith("multipart/"):
        limit = multipart_limit + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if length > limit:
        raise TooLarge(_("The request body is too large."))


class ChatsAPIView(APIView):
    """The base of this module's views: oversized bodies are refused before any parsing."""

    def multipart_limit(self) -> int:
        return settings.IMAGE_MAX_BYTES

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        _refuse_oversized_body(request, self.multipart_limit())


class ChatListView(ChatsAPIView):
    @extend_schema(operation_id="chats_list", parameters=[CURSOR_PARAMETER], responses={200: ChatListOut})
    def get(self, request: Request) -> Response:
        results, after = pages.inbox(user=request.user, cursor=request.query_params.get("cursor"))
        return Response(page(request, results, after))


class DirectChatView(ChatsAPIView):
    @extend_schema(operation_id="chats_direct", request=DirectChatIn, responses={200: ChatOut, 201: ChatOut})
    def post(self, request: Request) -> Response:
        other = validated(DirectChatIn, request.data)["user"]
        chat, created = get_or_create_direct_chat(actor=request.user, other_id=other)
        entry = selectors.get_chat(user=request.user, chat_id=chat.id)
        return Response(chat_data(entry), status=201 if created else 200)


class GroupCreateView(ChatsAPIView):
    @extend_schema(operation_id="chats_groups_create", request=GroupCreateIn, responses={201: ChatOut})
    def post(self, request: Request) -> Response:
        """Create a group: you are its owner, `members` must be your friends (400 `not_friends`
        with `fields.members` listing the others), at most 256 members with you (400
        `too_many_members`). Its history starts with a system message."""
        data = validated(GroupCreateIn, request.data)
        chat = create_group(actor=request.user, name=data["name"], member_ids=data["members"])
        return Response(chat_data(selectors.get_chat(user=request.user, chat_id=chat.id)), status=201)


class ChatDetailView(ChatsAPIView):
    @extend_schema(operation_id="chats_retrieve", responses={200: ChatOut})
    def get(self, request: Request, chat_id: UUID) -> Response:
        return Response(chat_data(selectors.get_chat(user=request.user, chat_id=chat_id)))

    @extend_schema(operation_id="chats_rename", request=ChatRenameIn, responses={200: ChatOut})
    def patch(self, request: Request, chat_id: UUID) -> Response:
        """Rename a group: its owner or an admin only (403 otherwise, and for other kinds of chat)."""
        name = validated(ChatRenameIn, request.data)["name"]
        rename_group(actor=request.user, chat_id=chat_id, name=name)
        return Response(chat_data(selectors.get_chat(user=request.user, chat_id=chat_id)))

    @extend_schema(operation_id="chats_delete", responses={204: None})
    def delete(self, request: Request, chat_id: UUID) -> Response:
        """Delete this chat for you: you leave it and its history is gone for you. In a group the
        others see you leave; if you owned it, ownership passes to the longest-standing admin, else
        the longest-standing member. A direct chat comes back, with only the messages from then on,
        when either of you writes again. When the last participant leaves, the chat, its messages
        and its files are deleted."""
        leave_chat(actor=request.user, chat_id=chat_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListView(ChatsAPIView):
    @extend_schema(operation_id="chats_members_list", responses={200: MemberListOut})
    def get(self, request: Request, chat_id: UUID) -> Response:
        """Every member with their role and their language in this chat, oldest first."""
        participant = selectors.access_participant(user=request.user, chat_id=chat_id)
        members = selectors.list_members_oldest_first(participant=participant)
        return Response({"results": MemberOut(members, many=True).data})

    @extend_schema(operation_id="chats_members_add", request=MemberAddIn, responses={201: ChatOut})
    def post(self, request: Request, chat_id: UUID) -> Response:
        """The group's owner or an admin adds one of their friends (400 `not_friends` otherwise,
        409 `already_member`); a system message records it."""
        user_id = validated(MemberAddIn, request.data)["user"]
        add_member(actor=request.user, chat_id=chat_id, user_id=user_id)
        return Response(chat_data(selectors.get_chat(user=request.user, chat_id=chat_id)), status=201)


class MemberDetailView(ChatsAPIView):
    @extend_schema(operation_id="chats_members_role", request=MemberRoleIn, responses={200: ChatOut})
    def patch(self, request: Request, chat_id: UUID, user_id: UUID) -> Response:
        """The group's owner makes a member an `admin`, or an admin a `member` again."""
        role = validated(MemberRoleIn, request.data)["role"]
        set_member_role(actor=request.user, chat_id=chat_id, user_id=user_id, role=role)
        return Response(chat_data(selectors.get_chat(user=request.user, chat_id=chat_id)))

    @extend_schema(operation_id="chats_members_remove", responses={204: None})
    def delete(self, request: Request, chat_id: UUID, user_id: UUID) -> Response:
        """Anyone removes themself (leaving, as `DELETE /chats/{id}`); the owner removes anyone,
        an admin removes plain members (403 otherwise). A system message records it."""
        remove_member(actor=request.user, chat_id=chat_id, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessageListView(ChatsAPIView):
    def multipart_limit(self) -> int:
        """File sends (25 MiB) raise the body limit, for this endpoint only; each kind's own limit
        (image 10 MiB, voice 10 MiB, file 25 MiB) is checked after parsing (413 `too_large`)."""
        return max(settings.IMAGE_MAX_BYTES, settings.FILE_MAX_BYTES, settings.VOICE_MAX_BYTES)

    @extend_schema(
        operation_id="chats_messages_list",
        parameters=[OpenApiParameter("before", int), OpenApiParameter("after", int),
                    OpenApiParameter("limit", int)],
        responses={200: MessagePageOut},
    )
    def get(self, request: Request, chat_id: UUID) -> Response:
        participant = selectors.access_participant(user=request.user, chat_id=chat_id)
        before = _int_param(request, "before", low=0)
        after = _int_param(request, "after", low=0)
        if before is not None and after is not None:
            raise Invalid(fields={"before": [_("Use either before or after.")]})
        limit = _int_param(request, "limit", low=1, high=100) or selectors.HISTORY_DEFAULT_LIMIT
        results, has_more = pages.history(participant=participant, before=before, after=after, limit=limit,
                                          viewer_id=request.user.id)
        return Response({"results": results, "has_more": has_more})

    @extend_schema(operation_id="chats_messages_send", request={"application/json": MessageSendIn,
                   "multipart/form-data": MessageSendIn}, responses={200: MessageOut, 201: MessageOut})
    def post(self, request: Request, chat_id: UUID) -> Response:
        """Send JSON text or a sticker, or multipart: `kind=image` with `image`, `kind=file` with
        `file` (any type, at most 25 MiB, an optional caption `text`), or `kind=voice` with `file`
        (Ogg/Opus, WebM/Opus, MP4/AAC or MP3, at most 5 minutes and 10 MiB; anything else 400
        `invalid_audio`). The type is read from the file's bytes, never taken from the request."""
        data = validated(MessageSendIn, request.data)
        message, created = send_message(actor=request.user, chat_id=chat_id, **data)
        return Response(message_data(message, request.user.id),
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ReadView(ChatsAPIView):
    @extend_schema(operation_id="chats_read", request=ReadIn, responses={204: None})
    def post(self, request: Request, chat_id: UUID) -> Response:
        seq = validated(ReadIn, request.data)["seq"]
        mark_read(actor=request.user, chat_id=chat_id, seq=seq)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PresenceView(APIView):
    @extend_schema(
        operation_id="presence_list",
        description="Whether each of your friends is online (has a socket open); `user` (repeatable) "
                    "narrows the list to those friends. Ids of people who are not your friends are left out.",
        parameters=[OpenApiParameter("user", UUID, many=True)],
        responses={200: PresenceListOut},
    )
    def get(self, request: Request) -> Response:
        query = {"user": request.query_params.getlist("user")} if "user" in request.query_params else {}
        only = validated(PresenceIn, query).get("user")
        rows = selectors.friends_presence(user=request.user, only=only)
        results = PresenceOut([{"user_id": u, "online": online} for u, online in rows], many=True).data
        return Response({"results": results, "next": None})


class MessageDetailView(ChatsAPIView):
    @extend_schema(operation_id="chats_messages_edit", request=MessageEditIn, responses={200: MessageOut})
    def patch(self, request: Request, chat_id: UUID, message_id: UUID) -> Response:
        """The sender edits a text message (403 for others and other kinds, 409 `message_deleted`);
        the previous text is kept for `.../edits`."""
        text = validated(MessageEditIn, request.data)["text"]
        message = edit_message(actor=request.user, chat_id=chat_id, message_id=message_id, text=text)
        return Response(message_data(message, request.user.id))

    @extend_schema(operation_id="chats_messages_delete", responses={204: None})
    def delete(self, request: Request, chat_id: UUID, message_id: UUID) -> Response:
        """The sender, or a group's owner or admin, deletes a message: it stays as a tombstone
        (`deleted: true`) and its text, sticker, image and earlier versions are erased."""
        delete_message(actor=request.user, chat_id=chat_id, message_id=message_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReactionView(ChatsAPIView):
    @extend_schema(operation_id="chats_messages_reactions_add", request=None, responses={200: MessageOut})
    def put(self, request: Request, chat_id: UUID, message_id: UUID, emoji: str) -> Response:
        """React with one emoji (URL-encoded; skin tones and joined sequences too; 400
        `invalid_emoji` otherwise). Again changes nothing. At most 20 different emoji on a message
        (400 `too_many_reactions`); a tombstone takes none (409 `message_deleted`). Members get
        `message.reactions`."""
        message = add_reaction(actor=request.user, chat_id=chat_id, message_id=message_id, emoji=emoji)
        return Response(message_data(message, request.user.id))

    @extend_schema(operation_id="chats_messages_reactions_remove", responses={204: None})
    def delete(self, request: Request, chat_id: UUID, message_id: UUID, emoji: str) -> Response:
        """Take back your reaction: `404` if you had not reacted so."""
        remove_reaction(actor=request.user, chat_id=chat_id, message_id=message_id, emoji=emoji)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessageEditListView(ChatsAPIView):
    @extend_schema(operation_id="chats_messages_edits", responses={200: MessageEditListOut})
    def get(self, request: Request, chat_id: UUID, message_id: UUID) -> Response:
        """Earlier versions of a message, oldest first (not the current text; empty after deletion)."""
        participant = selectors.access_participant(user=request.user, chat_id=chat_id)
        edits = selectors.list_edits(participant=participant, message_id=message_id)
        return Response({"results": MessageEditOut(edits, many=True).data})


class StickerListView(ChatsAPIView):
    @extend_schema(operation_id="stickers_list", responses={200: StickerListOut})
    def get(self, request: Request) -> Response:
        """The built-in sticker pack (all of it: a short list, never paginated)."""
        return Response({"results": StickerOut(selectors.list_stickers(), many=True).data, "next": None})


class ChatSettingsView(ChatsAPIView):
    @extend_schema(operation_id="chats_me_retrieve", responses={200: ChatSettingsOut})
    def get(self, request: Request, chat_id: UUID) -> Response:
        """Your own settings in this chat."""
        participant = selectors.access_participant(user=request.user, chat_id=chat_id)
        return Response(ChatSettingsOut(participant).data)

    @extend_schema(operation_id="chats_me_update", request=ChatSettingsIn, responses={200: ChatSettingsOut})
    def patch(self, request: Request, chat_id: UUID) -> Response:
        """Change your settings in this chat: `language` (one of the site's languages; the other
        members get `chat.updated`), `auto_translate`, `notify` (`all`, `mentions` or `none`),
        `muted_until` (a future time, or null to unmute)."""
        changes = validated(ChatSettingsIn, request.data)
        participant = update_chat_settings(actor=request.user, chat_id=chat_id, changes=changes)
        return Response(ChatSettingsOut(participant).data)


class MessageSearchView(APIView):
    @extend_schema(operation_id="search_messages", parameters=[MessageSearchIn], responses={200: SearchPageOut})
    def get(self, request: Request) -> Response:
        """Messages of your chats whose current text matches `q`, newest first: only what you can
        see there (not before you joined or returned, not deleted ones), each word in the forms of
        the message's language (`running` finds `run`, `Häuser` finds `Haus`). Counts against the
        `search` request limit."""
        ratelimit.limit_search(user_id=request.user.id)
        data = validated(MessageSearchIn, request.query_params)
        after = search.decode_cursor(data.get("cursor"))
        search.check_filters(user=request.user, chat_id=data.get("chat"), sender_id=data.get("sender"))
        hits, values = search.search_messages(user=request.user, q=data["q"], chat_id=data.get("chat"),
                                              sender_id=data.get("sender"), limit=data["limit"], after=after)
        after_cursor = search.encode_cursor(values) if values else None
        selectors.attach_reactions([hit.message for hit in hits])
        results = [search_result_data(hit, request.user.id) for hit in hits]
        return Response(page(request, results, after_cursor))
