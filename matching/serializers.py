from __future__ import annotations

from typing import Any, TypedDict

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import UserData, UserOut
from chaat.api import Timestamp, UUIDStr
from matching.models import Match


class MatchData(TypedDict):
    """A match as one partner sees it (MatchOut)."""

    id: UUIDStr
    chat_id: UUIDStr | None
    partner: UserData
    started_at: Timestamp
    ends_at: Timestamp
    ended_at: Timestamp | None
    duration_minutes: int | None


class MatchOut(serializers.Serializer):
    """A match as one partner sees it; the viewer's id comes in the context as `viewer_id`."""

    id = serializers.UUIDField()
    chat_id = serializers.UUIDField(allow_null=True)
    partner = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    duration_minutes = serializers.IntegerField(allow_null=True)

    @extend_schema_field(UserOut)
    def get_partner(self, match: Match) -> dict[str, Any]:
        partner = match.user_b if match.user_a_id == self.context["viewer_id"] else match.user_a
        return UserOut(partner).data


def match_data(match: Match, viewer_id: Any) -> MatchData:
    return MatchOut(match, context={"viewer_id": viewer_id}).data


class MatchStateOut(serializers.Serializer):
    points_left = serializers.IntegerField()
    waiting = serializers.BooleanField()
    active_match = MatchOut(allow_null=True)


class WaitingOut(serializers.Serializer):
    waiting = serializers.BooleanField()


class MatchReportIn(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class MatchHistoryOut(serializers.Serializer):
    results = MatchOut(many=True)
    next = serializers.CharField(allow_null=True)
