from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from translation import client


def translation(request: HttpRequest) -> dict[str, Any]:
    """`translation_on`: whether the site offers translation (TRANSLATION_URL is set)."""
    return {"translation_on": client.is_configured()}
