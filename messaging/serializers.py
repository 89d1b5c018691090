from __future__ import annotations

from typing import Annotated, TypedDict
from uuid import UUID

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import UserData, UserOut, avatar_url
from chaat.api import Timestamp, UUIDStr
from messaging.models import TEXT_MAX_LENGTH, Chat, Message, Participant, Sticker
from messaging.selectors import ChatEntry, attach_reactions

# The shapes of what the functions below build (the API's objects, which the live events carry).


class StickerData(TypedDict):
    id: str
    pack: str
    name: str
    image_url: str


class FileData(TypedDict):
    url: str
    name: str
    size: int
    content_type: str
    duration_s: float | None


class TranslationData(TypedDict):
    to: str
    text: str


class ReactionData(TypedDict):
    emoji: str
    count: int
    me: bool


class MessageData(TypedDict):
    id: UUIDStr
    chat_id: UUIDStr
    seq: int
    sender: UserData | None
    kind: Annotated[str, Message.Kind]
    text: str
    sticker: StickerData | None
    image_url: str | None
    reply_to: UUIDStr | None
    client_id: UUIDStr | None
    created_at: Timestamp
    edited_at: Timestamp | None
    deleted: bool
    lang: str | None
    translation: TranslationData | None
    file: FileData | None
    reactions: list[ReactionData]
    mentions: list[UUIDStr]


class ChatSettingsData(TypedDict):
    language: str
    auto_translate: bool
    notify: Annotated[str, Participant.Notify]
    muted_until: Timestamp | None


class ChatData(TypedDict):
    id: UUIDStr
    kind: Annotated[str, Chat.Kind]
    name: str
    members: list[UserData]
    created_at: Timestamp
    last_message: MessageData | None
    last_seq: int
    last_read_seq: int
    unread_count: int
    unread_mentions: int
    my_role: Annotated[str, Participant.Role]
    settings: ChatSettingsData


def sticker_url(sticker: Sticker) -> str:
    return reverse("sticker-image", kwargs={"sticker_id": sticker.id})


class StickerOut(serializers.Serializer):
    id = serializers.CharField()
    pack = serializers.CharField()
    name = serializers.CharField()
    image_url = serializers.SerializerMethodField()

    def get_image_url(self, sticker: Sticker) -> str:
        return sticker_url(sticker)


class FileOut(serializers.Serializer):
    """A file or voice message's file: `duration_s` for voice, else null."""

    url = serializers.CharField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    duration_s = serializers.FloatField(allow_null=True)


def file_data(message: Message) -> FileData | None:
    if message.deleted or not message.file:
        return None
    return {"url": reverse("chat-file", kwargs={"chat_id": message.chat_id, "message_id": message.id}),
            "name": message.file_name, "size": message.file_size, "content_type": message.file_content_type,
            "duration_s": message.file_duration_s}


_DATETIME = serializers.DateTimeField()  # DRF's own ISO 8601 rendering, for the to_representation below


def user_data(user) -> UserData:
    """accounts.serializers.UserOut's dict, built directly (the tests compare the two)."""
    return {"id": str(user.id), "username": user.username, "display_name": user.display_name,
            "avatar_url": avatar_url(user)}


class TranslationOut(serializers.Serializer):
    to = serializers.CharField()
    text = serializers.CharField()


class ReactionOut(serializers.Serializer):
    emoji = serializers.CharField()
    count = serializers.IntegerField()
    me = serializers.BooleanField(help_text="Whether you reacted so.")


def reactions_data(message: Message, viewer_id: UUID | None) -> list[ReactionData]:
    """The message's reactions as `viewer_id` sees them (`me`), in the order each emoji first
    appeared. Lists attach them in one query (selectors.attach_reactions); a single message
    that arrives without them loads its own."""
    groups = getattr(message, "reaction_groups", None)
    if groups is None:
        groups = attach_reactions([message])[0].reaction_groups
    return [{"emoji": group.emoji, "count": len(group.users), "me": viewer_id in group.user_ids}
            for group in groups]


class MessageOut(serializers.Serializer):
    """A message; a deleted one is a tombstone with no text, image, sticker, reactions or
    mentions. `reactions[].me` is for the viewer given as `context["viewer_id"]`."""

    id = serializers.UUIDField()
    chat_id = serializers.UUIDField()
    seq = serializers.IntegerField()
    sender = UserOut(allow_null=True)
    kind = serializers.CharField()
    text = serializers.SerializerMethodField()
    sticker = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    reply_to = serializers.UUIDField(source="reply_to_id", allow_null=True)
    client_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()
    lang = serializers.CharField(allow_null=True)
    translation = serializers.SerializerMethodField()
    file = serializers.SerializerMethodField()
    reactions = serializers.SerializerMethodField()
    mentions = serializers.ListField(child=serializers.UUIDField(), help_text="The members named as @username.")

    def get_text(self, message: Message) -> str:
        return "" if message.deleted else message.text

    @extend_schema_field(StickerOut(allow_null=True))
    def get_sticker(self, message: Message) -> dict | None:
        if message.deleted or message.sticker_id is None:
            return None
        return StickerOut(message.sticker).data

    @extend_schema_field(TranslationOut(allow_null=True))
    def get_translation(self, message: Message) -> dict | None:
        """For a reader with auto_translate on: the message in their language, once it exists
        (selectors attach it as `viewer_translation`); null for everyone else."""
        return None if message.deleted else getattr(message, "viewer_translation", None)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_image_url(self, message: Message) -> str | None:
        if message.deleted or not message.image:
            return None
        return reverse("chat-image", kwargs={"chat_id": message.chat_id, "message_id": message.id})

    @extend_schema_field(FileOut(allow_null=True))
    def get_file(self, message: Message) -> dict | None:
        return file_data(message)

    @extend_schema_field(ReactionOut(many=True))
    def get_reactions(self, message: Message) -> list[dict]:
        return reactions_data(message, self.context.get("viewer_id"))

    def to_representation(self, message: Message) -> dict:
        """What the fields above produce, built directly: DRF's per-field machinery cost about
        120 µs a message, a third of a history page (docs/PERFORMANCE.md). A test compares the two
        for every kind of message, so a field added above must be added here too."""
        sender = message.sender
        return {
            "id": str(message.id),
            "chat_id": str(message.chat_id),
            "seq": message.seq,
            "sender": None if sender is None else user_data(sender),
            "kind": message.kind,
            "text": self.get_text(message),
            "sticker": self.get_sticker(message),
            "image_url": self.get_image_url(message),
            "reply_to": None if message.reply_to_id is None else str(message.reply_to_id),
            "client_id": None if message.client_id is None else str(message.client_id),
            "created_at": _DATETIME.to_representation(message.created_at),
            "edited_at": _DATETIME.to_representation(message.edited_at),
            "deleted": message.deleted,
            "lang": message.lang,
            "translation": self.get_translation(message),
            "file": file_data(message),
            "reactions": reactions_data(message, self.context.get("viewer_id")),
            "mentions": list(message.mentions),
        }


_MESSAGE = MessageOut()


def chat_settings_data(participant: Participant) -> ChatSettingsData:
    """A member's own settings in a chat (`GET /chats/{id}/me`, and the chat object's `settings`)."""
    return {"language": participant.language, "auto_translate": participant.auto_translate,
            "notify": participant.notify,
            "muted_until": _DATETIME.to_representation(participant.muted_until)}


class ChatSettingsOut(serializers.Serializer):
    language = serializers.CharField()
    auto_translate = serializers.BooleanField()
    notify = serializers.ChoiceField(choices=Participant.Notify.choices)
    muted_until = serializers.DateTimeField(allow_null=True)

    def to_representation(self, participant: Participant) -> dict:
        return chat_settings_data(participant)


class ChatSettingsIn(serializers.Serializer):
    language = serializers.ChoiceField(choices=[c for c, _ in settings.LANGUAGES], required=False)
    auto_translate = serializers.BooleanField(required=False)
    notify = serializers.ChoiceField(choices=Participant.Notify.choices, required=False)
    muted_until = serializers.DateTimeField(required=False, allow_null=True)


class MemberOut(serializers.Serializer):
    user = UserOut()
    role = serializers.CharField()
    language = serializers.CharField()
    joined_at = serializers.DateTimeField()


class MemberListOut(serializers.Serializer):
    results = MemberOut(many=True)


class ChatOut(serializers.Serializer):
    """A chat as the viewing participant sees it (built from a selectors.ChatEntry)."""

    id = serializers.UUIDField(source="chat.id")
    kind = serializers.CharField(source="chat.kind")
    name = serializers.CharField(source="chat.name")
    members = UserOut(many=True)
    created_at = serializers.DateTimeField(source="chat.created_at")
    last_message = MessageOut(allow_null=True)
    last_seq = serializers.IntegerField(source="chat.last_seq")
    last_read_seq = serializers.IntegerField(source="participant.last_read_seq")
    unread_count = serializers.IntegerField()
    unread_mentions = serializers.IntegerField(help_text="Unread messages that mention you.")
    my_role = serializers.CharField(source="participant.role")
    settings = ChatSettingsOut(source="participant")

    def to_representation(self, entry: ChatEntry) -> dict:
        """What the fields above produce, built directly, like MessageOut (an inbox page is 50 of
        these); a test compares the two, so a field added above must be added here too."""
        chat, participant = entry.chat, entry.participant
        return {
            "id": str(chat.id),
            "kind": chat.kind,
            "name": chat.name,
            "members": [user_data(member) for member in entry.members],
            "created_at": _DATETIME.to_representation(chat.created_at),
            "last_message": None if entry.last_message is None else message_data(entry.last_message,
                                                                                 participant.user_id),
            "last_seq": chat.last_seq,
            "last_read_seq": participant.last_read_seq,
            "unread_count": entry.unread_count,
            "unread_mentions": entry.unread_mentions,
            "my_role": participant.role,
            "settings": chat_settings_data(participant),
        }


def chat_data(entry: ChatEntry) -> ChatData:
    return ChatOut(entry).data


def message_data(message: Message, viewer_id: UUID | None = None) -> MessageData:
    """The message as `viewer_id` sees it (their own reactions marked `me`)."""
    if viewer_id is None:
        return _MESSAGE.to_representation(message)
    return MessageOut(context={"viewer_id": viewer_id}).to_representation(message)


class MessageSendIn(serializers.Serializer):
    """The body of a send, over HTTP (JSON or multipart) and the socket alike."""

    kind = serializers.ChoiceField(choices=["text", "sticker", "image", "file", "voice"])
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH * 2, required=False, allow_blank=True,
                                 trim_whitespace=False, default="")
    sticker = serializers.CharField(max_length=64, required=False)
    image = serializers.FileField(required=False)
    file = serializers.FileField(required=False, help_text="kind=file: any file, at most 25 MiB; kind=voice: "
                                 "Ogg/Opus, WebM/Opus, MP4/AAC or MP3, at most 5 minutes and 10 MiB")
    client_id = serializers.UUIDField()
    reply_to = serializers.UUIDField(required=False, allow_null=True)
    lang = serializers.CharField(max_length=16, required=False)  # checked by send_message


class ReadIn(serializers.Serializer):
    seq = serializers.IntegerField(min_value=0)


class DirectChatIn(serializers.Serializer):
    user = serializers.UUIDField()


class ChatListOut(serializers.Serializer):
    results = ChatOut(many=True)
    next = serializers.CharField(allow_null=True)


class MessagePageOut(serializers.Serializer):
    results = MessageOut(many=True)
    has_more = serializers.BooleanField()


class SocketMessageSendIn(MessageSendIn):
    """A `message.send` frame: the HTTP send's fields plus the chat; images go over HTTP only."""

    chat_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=["text", "sticker"])
    image = None
    file = None


class SocketReadIn(ReadIn):
    """A `read` frame."""

    chat_id = serializers.UUIDField()


class SocketTypingIn(serializers.Serializer):
    """A `typing` frame."""

    chat_id = serializers.UUIDField()


class PresenceIn(serializers.Serializer):
    user = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=500)


class PresenceOut(serializers.Serializer):
    user_id = serializers.UUIDField()
    online = serializers.BooleanField()


class PresenceListOut(serializers.Serializer):
    results = PresenceOut(many=True)


class GroupCreateIn(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    members = serializers.ListField(child=serializers.UUIDField(), allow_empty=True, max_length=1000)


class ChatRenameIn(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)


class MemberAddIn(serializers.Serializer):
    user = serializers.UUIDField()


class MemberRoleIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=["admin", "member"])


class MessageEditIn(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH * 2, allow_blank=True, trim_whitespace=False)


class MessageEditOut(serializers.Serializer):
    text = serializers.CharField()
    edited_at = serializers.DateTimeField()


class MessageEditListOut(serializers.Serializer):
    results = MessageEditOut(many=True)


class StickerListOut(serializers.Serializer):
    results = StickerOut(many=True)
    next = serializers.CharField(allow_null=True)


class MessageSearchIn(serializers.Serializer):
    """The query of a message search (`GET /api/v1/search/messages`)."""

    q = serializers.CharField(max_length=200, help_text="Words (all must match), \"a phrase\", "
                              "`or` between alternatives, `-word` to exclude; 1-200 characters after trimming.")
    chat = serializers.UUIDField(required=False, help_text="Only this chat of yours (400 otherwise).")
    sender = serializers.UUIDField(required=False, help_text="Only messages sent by this user (400 if unknown).")
    limit = serializers.IntegerField(min_value=1, max_value=50, required=False, default=20)
    cursor = serializers.CharField(required=False, allow_blank=True, help_text="From `next`.")


class SearchResultOut(serializers.Serializer):
    chat_id = serializers.UUIDField()
    message = MessageOut()
    highlight = serializers.CharField(help_text="The whole text, HTML-escaped, the matched words in "
                                      "<mark>…</mark> and no other markup.")


class SearchPageOut(serializers.Serializer):
    results = SearchResultOut(many=True)
    next = serializers.CharField(allow_null=True)


def search_result_data(hit, viewer_id: UUID | None = None) -> dict:
    return {"chat_id": str(hit.message.chat_id), "message": message_data(hit.message, viewer_id),
            "highlight": hit.highlight}
