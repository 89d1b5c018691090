from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TEXT_MAX_LENGTH = 4000


class Sticker(models.Model):
    """A sticker of a built-in pack; its PNG ships in messaging/stickers/<id>.png."""

    id = models.CharField(max_length=64, primary_key=True)
    pack = models.CharField(max_length=64)
    name = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["pack", "position"]

    def __str__(self) -> str:
        return f"{self.pack}/{self.name}"


class Chat(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", _("direct")
        GROUP = "group", _("group")
        MATCH = "match", _("match")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # "<low uuid hex>:<high uuid hex>" for direct chats: the database allows one per pair.
    direct_key = models.CharField(max_length=65, null=True, blank=True, unique=True)
    last_seq = models.BigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="direct", direct_key__isnull=False)
                | (~Q(kind="direct") & Q(direct_key__isnull=True)),
                name="chat_direct_key_iff_direct",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.kind} {self.id}"


class FormerMember(models.Model):
    """Someone who was in a group and left or was removed: added again, they see the chat from
    their return on (contract v1.1), where a newcomer sees its history."""

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="former_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    left_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chat", "user"], name="former_member_once_per_chat")]

    def __str__(self) -> str:
        return f"{self.user_id} left {self.chat_id}"


# Who may see which message, the one place of the rule: a member sees the messages of their chat
# from their participation's `visible_from_seq` on (a direct chat that came back, a group they
# returned to, show nothing from before). The querysets below and `Participant.sees` are its
# forms; VISIBLE_SQL is the same rule for the statements written out in SQL (search).
VISIBLE_SQL = "{message}.seq >= {participant}.visible_from_seq"


class ParticipantQuerySet(models.QuerySet):
    def seeing(self, message: Message) -> ParticipantQuerySet:
        """The participations whose member may see `message`."""
        return self.filter(chat_id=message.chat_id, visible_from_seq__lte=message.seq)


class MessageQuerySet(models.QuerySet):
    def visible_to(self, participant: Participant) -> MessageQuerySet:
        """The messages of the participant's chat that its member may see."""
        return self.filter(chat_id=participant.chat_id, seq__gte=participant.visible_from_seq)

    def visible_to_member(self, user: Any) -> MessageQuerySet:
        """The messages of every chat the user is in that they may see (the data export)."""
        # One filter() call, so both conditions use the same join to the user's participation.
        return self.filter(chat__participants__user=user, seq__gte=F("chat__participants__visible_from_seq"))


class Participant(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        ADMIN = "admin", _("admin")
        MEMBER = "member", _("member")

    class Notify(models.TextChoices):
        ALL = "all", _("all messages")
        MENTIONS = "mentions", _("mentions only")
        NONE = "none", _("nothing")

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="chat_participations")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)
    last_read_seq = models.BigIntegerField(default=0)
    # The first seq this participant may see: a direct chat deleted by one side comes back with
    # only the messages sent after it returned.
    visible_from_seq = models.BigIntegerField(default=1)
    # This member's own settings in the chat (contract: "Members and your settings in a chat").
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    auto_translate = models.BooleanField(default=False)
    notify = models.CharField(max_length=8, choices=Notify.choices, default=Notify.ALL)
    muted_until = models.DateTimeField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chat", "user"], name="participant_once_per_chat"),
        ]
        indexes = [models.Index(fields=["user", "chat"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.chat_id} ({self.role})"

    def sees(self, seq: int) -> bool:
        """Whether the member may see the message `seq` of this chat (a message in hand)."""
        return seq >= self.visible_from_seq


class Message(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        STICKER = "sticker", _("sticker")
        IMAGE = "image", _("image")
        SYSTEM = "system", _("system")
        FILE = "file", _("file")
        VOICE = "voice", _("voice message")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    seq = models.BigIntegerField()
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    text = models.TextField(blank=True)
    # The language the text is written in (a site language); null for messages without text,
    # as the API shows it (contract: "Languages and translation").
    lang = models.CharField(max_length=8, null=True, blank=True)  # noqa: DJ001
    sticker = models.ForeignKey(Sticker, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    image = models.ImageField(upload_to="chat-images/", blank=True)
    thumbnail = models.ImageField(upload_to="chat-images/", blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)
    # A file or voice message (contract: "Files and voice messages"): stored under a random name,
    # with the cleaned original name, its size, the type read from its bytes and, for voice, its
    # length in seconds read from the audio container.
    file = models.FileField(upload_to="chat-files/", blank=True, max_length=200)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    file_content_type = models.CharField(max_length=100, blank=True)
    file_duration_s = models.FloatField(null=True, blank=True)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    client_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Ids (str) of the members the text names as @username, the sender left out (see Mention).
    mentions = models.JSONField(default=list, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chat", "seq"], name="message_seq_unique_per_chat"),
            models.UniqueConstraint(
                fields=["sender", "client_id"],
                condition=Q(client_id__isnull=False),
                name="message_client_id_unique_per_sender",
            ),
        ]
        # Newest first across chats: a search for a common word reads the newest messages until it
        # has a page, instead of every match (messaging/search.py, docs/PERFORMANCE.md).
        indexes = [models.Index(fields=["created_at", "id"], name="message_created_at")]

    def __str__(self) -> str:
        return f"{self.chat_id}#{self.seq}"

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class MessageEdit(models.Model):
    """An earlier version of an edited message's text, kept so members can see the history."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="edits")
    text = models.TextField()
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["message", "edited_at"])]

    def __str__(self) -> str:
        return f"edit of {self.message_id}"


class Reaction(models.Model):
    """One person's emoji on one message; the database keeps one row per message, user and emoji."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user", "emoji"], name="reaction_once_per_user_and_emoji"),
        ]
        indexes = [models.Index(fields=["message", "created_at"])]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.message_id}"


class Mention(models.Model):
    """A member named as `@username` in a message: the index `unread_mentions` counts with.
    `chat` and `seq` copy the message's so the count needs no join; the message's own `mentions`
    column holds the same ids for rendering it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="+")
    seq = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="mention_once_per_message"),
        ]
        indexes = [models.Index(fields=["user", "chat", "seq"])]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.message_id}"
