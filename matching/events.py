"""Live events of matchmaking: one declared shape and one builder per event type, the match built
with the API's own serializer, as the receiving partner sees it."""

from __future__ import annotations

from typing import Literal, TypedDict
from uuid import UUID

from matching.models import Match
from matching.serializers import MatchData, match_data


class MatchFound(TypedDict):
    type: Literal["match.found"]
    match: MatchData


class MatchEnded(TypedDict):
    type: Literal["match.ended"]
    match: MatchData


def match_found(match: Match, viewer_id: UUID) -> MatchFound:
    return {"type": "match.found", "match": match_data(match, viewer_id)}


def match_ended(match: Match, viewer_id: UUID) -> MatchEnded:
    return {"type": "match.ended", "match": match_data(match, viewer_id)}
