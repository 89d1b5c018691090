from __future__ import annotations

from uuid import UUID


def match_is_open(*, chat_id: UUID) -> bool:
    """Whether the match behind this `match` chat still allows sending (before its deadline and
    not ended). The matching app's models answer this."""
    raise NotImplementedError("built with the matching app (issue 6)")
