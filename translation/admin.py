"""Translations in the admin: read-only, shown with their message (messaging.admin.MessageAdmin)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from translation.models import MessageTranslation


class TranslationInline(admin.TabularInline):
    model = MessageTranslation
    fields = ["source_lang", "target_lang", "text", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
