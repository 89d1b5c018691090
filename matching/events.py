"""Live-event payloads of matchmaking, built with the API's own serializer."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from matching.models import Match
from matching.serializers import match_data


def match_event(kind: str, match: Match, viewer_id: UUID) -> dict[str, Any]:
    """`match.found` or `match.ended`, with the match as the receiving partner sees it."""
    return {"type": f"match.{kind}", "match": match_data(match, viewer_id)}
