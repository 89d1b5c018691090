"""The one read-only admin: rows are shown, never edited in the admin, because every change has a
service with its rules and events (admin actions call those services)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyAdmin(_ReadOnly, admin.ModelAdmin):
    def has_manage_permission(self, request: HttpRequest) -> bool:
        """Admin actions (`permissions = ["manage"]`) need the model's change permission, which
        the forms themselves never use."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


class ReadOnlyInline(_ReadOnly, admin.TabularInline):
    """Related rows listed under their parent, every field read-only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return list(self.fields or [])
