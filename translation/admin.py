"""Translations in the admin: read-only, shown with their message (messaging.admin.MessageAdmin)."""

from __future__ import annotations

from chaat.admin import ReadOnlyInline
from translation.models import MessageTranslation


class TranslationInline(ReadOnlyInline):
    model = MessageTranslation
    fields = ["source_lang", "target_lang", "text", "created_at"]
