"""OpenAPI post-processing: the error answers every operation may give, so the schema tells the
truth (schemathesis checks every response against it)."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["code", "detail"],
}

ERRORS = {
    "400": "Invalid input (`code` names the problem, `fields` the fields).",
    "401": "Not authenticated.",
    "403": "Authenticated but not allowed.",
    "404": "Unknown, or not visible to you.",
    "405": "Method not allowed.",
    "409": "Conflicts with the current state.",
    "413": "Too large.",
    "415": "Unsupported media type.",
    "429": "Throttled: wait `Retry-After` seconds.",
    "503": "The database is briefly unreachable or busy (`database_unavailable`): retry after `Retry-After` seconds.",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Document the `{"code","detail","fields"?}` errors on every operation (401 only where
    credentials are needed, Retry-After on 429)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                needs_credentials = bool(operation.get("security")) and {} not in operation["security"]
                if status == "401" and not needs_credentials:
                    continue
                answer: dict[str, Any] = {"description": description, "content": error}
                if status in {"429", "503"}:
                    answer["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "required": True}}
                responses.setdefault(status, answer)
    return result
