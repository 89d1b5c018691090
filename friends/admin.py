"""Admin: requests, friendships and blocks are read here; changes go through the services
(the admin actions), so both people get their events and the rules hold."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chaat.admin import ReadOnlyAdmin
from chaat.errors import ChaatError
from friends import services
from friends.models import Block, FriendRequest, Friendship


def _run(modeladmin: admin.ModelAdmin, request: HttpRequest, call, items) -> None:
    done = 0
    for item in items:
        try:
            call(item)
        except ChaatError as exc:
            modeladmin.message_user(request, f"{item}: {exc.detail}", messages.WARNING)
        else:
            done += 1
    modeladmin.message_user(request, _("%(count)d done.") % {"count": done}, messages.SUCCESS)


@admin.register(FriendRequest)
class FriendRequestAdmin(ReadOnlyAdmin):
    list_display = ["from_user", "to_user", "status", "sent_at", "responded_at"]
    list_filter = ["status", "sent_at"]
    search_fields = ["from_user__username", "to_user__username"]
    list_select_related = ["from_user", "to_user"]
    date_hierarchy = "sent_at"
    actions = ["withdraw"]

    @admin.action(permissions=["manage"], description=_("Withdraw the selected pending requests (for their senders)"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[FriendRequest]) -> None:
        _run(self, request, lambda r: services.withdraw_friend_request(actor=r.from_user, request_id=r.id),
             queryset.filter(status=FriendRequest.Status.PENDING).select_related("from_user"))


@admin.register(Friendship)
class FriendshipAdmin(ReadOnlyAdmin):
    list_display = ["user_low", "user_high", "since"]
    search_fields = ["user_low__username", "user_high__username"]
    list_select_related = ["user_low", "user_high"]
    actions = ["end"]

    @admin.action(permissions=["manage"], description=_("End the selected friendships"))
    def end(self, request: HttpRequest, queryset: QuerySet[Friendship]) -> None:
        _run(self, request, lambda f: services.unfriend(actor=f.user_low, user_id=f.user_high_id), queryset)


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    search_fields = ["blocker__username", "blocked__username"]
    list_select_related = ["blocker", "blocked"]
    actions = ["lift"]

    @admin.action(permissions=["manage"], description=_("Lift the selected blocks"))
    def lift(self, request: HttpRequest, queryset: QuerySet[Block]) -> None:
        _run(self, request, lambda b: services.unblock_user(actor=b.blocker, user_id=b.blocked_id),
             queryset.select_related("blocker"))
