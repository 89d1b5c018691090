"""Small helpers shared by the apps' DRF views and the websocket consumer."""

from __future__ import annotations

from typing import Annotated, Any

from rest_framework import serializers

from chaat.api_errors import flatten_errors
from chaat.errors import Invalid

# The plain values of payloads (API bodies and live events) for their declared shapes (TypedDicts):
# a UUID as its hyphenated string, a time as ISO 8601 in UTC. The event shape tests check the format,
# and that a value annotated `Annotated[str, <TextChoices>]` is one of the choices.
UUIDStr = Annotated[str, "uuid"]
Timestamp = Annotated[str, "iso8601"]


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """The validated data of `data`, or Invalid (400 `invalid`, `fields` naming what is wrong):
    the one validator of the API's bodies and queries and the websocket's frames."""
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise Invalid(fields=flatten_errors(serializer.errors))
    return serializer.validated_data
