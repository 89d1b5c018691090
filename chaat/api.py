"""Small helpers shared by the apps' DRF views and the websocket consumer."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from chaat.api_errors import flatten_errors
from chaat.errors import Invalid


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """The validated data of `data`, or Invalid (400 `invalid`, `fields` naming what is wrong):
    the one validator of the API's bodies and queries and the websocket's frames."""
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise Invalid(fields=flatten_errors(serializer.errors))
    return serializer.validated_data
