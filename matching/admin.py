"""Admin views of matchmaking. Read-only: every change goes through matching.services."""

from __future__ import annotations

from django.contrib import admin

from chaat.admin import ReadOnlyAdmin
from matching.models import Match, PointsDay, QueueEntry, Report


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "user_a", "user_b", "ends_at", "ended_at", "duration_minutes",
                    "ended_reason"]
    list_filter = ["started_at", "ended_reason"]
    date_hierarchy = "started_at"
    search_fields = ["user_a__username", "user_b__username"]
    list_select_related = ["user_a", "user_b"]
    ordering = ["-started_at"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "reporter", "reported", "reason", "match"]
    list_filter = ["created_at"]
    date_hierarchy = "created_at"
    search_fields = ["reporter__username", "reported__username", "reason"]
    list_select_related = ["reporter", "reported"]
    ordering = ["-created_at"]


@admin.register(PointsDay)
class PointsDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "used", "left"]
    list_filter = ["day", ("user", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "day"
    search_fields = ["user__username"]
    list_select_related = ["user"]
    ordering = ["-day", "user__username"]


@admin.register(QueueEntry)
class QueueEntryAdmin(ReadOnlyAdmin):
    list_display = ["joined_at", "user", "language"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    ordering = ["joined_at"]
