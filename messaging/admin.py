"""Admin for chats and messages: read-only views (changes go through messaging.services), plus a
moderation action that deletes messages exactly as their senders would."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chaat.admin import ReadOnlyAdmin, ReadOnlyInline
from messaging.models import Chat, Message, Participant, Reaction, Sticker
from messaging.services.editing import moderate_message
from translation.admin import TranslationInline


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = ["user", "role", "language", "auto_translate", "notify", "muted_until", "joined_at", "last_read_seq",
              "visible_from_seq"]


class ReactionInline(ReadOnlyInline):
    model = Reaction
    fields = ["emoji", "user", "created_at"]


@admin.register(Chat)
class ChatAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "created_at", "last_seq", "last_message_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["name", "participants__user__username"]
    readonly_fields = ["id", "kind", "name", "created_at", "created_by", "direct_key", "last_seq", "last_message_at"]
    inlines = [ParticipantInline]
    show_full_result_count = False


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(deleted_at__isnull=self.value() == "no")
        return queryset


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "sender", "kind", "excerpt", "created_at", "is_deleted"]
    list_filter = ["kind", DeletedFilter, "created_at"]
    search_fields = ["text", "sender__username"]
    list_select_related = ["sender"]
    date_hierarchy = "created_at"
    readonly_fields = ["id", "chat", "seq", "sender", "kind", "text", "lang", "sticker", "image", "image_width",
                       "image_height", "file_name", "file_size", "file_content_type", "file_duration_s",
                       "reply_to", "client_id", "mentions", "created_at", "edited_at", "deleted_at"]
    inlines = [ReactionInline, TranslationInline]
    actions = ["tombstone"]
    show_full_result_count = False

    @admin.display(description=_("text"))
    def excerpt(self, message: Message) -> str:
        return Truncator(message.text or message.file_name).chars(80)

    @admin.display(description=_("deleted"), boolean=True)
    def is_deleted(self, message: Message) -> bool:
        return message.deleted

    @admin.action(description=_("Delete for everyone (leave a tombstone)"))
    def tombstone(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("id", flat=True))
        for message_id in ids:
            moderate_message(moderator=request.user, message_id=message_id)
        self.message_user(request, ngettext("%(n)d message deleted.", "%(n)d messages deleted.", len(ids))
                          % {"n": len(ids)}, messages.SUCCESS)


@admin.register(Sticker)
class StickerAdmin(ReadOnlyAdmin):
    list_display = ["id", "pack", "name", "position"]


@admin.register(Reaction)
class ReactionAdmin(ReadOnlyAdmin):
    list_display = ["emoji", "message", "user", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["emoji", "user__username"]
    list_select_related = ["message", "user"]
    readonly_fields = ["message", "user", "emoji", "created_at"]
    show_full_result_count = False
