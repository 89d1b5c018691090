"""One DRF exception handler: every API error is `{"code", "detail"}` (+ `fields`)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from chaat.errors import ChaatError, DatabaseUnavailable

logger = logging.getLogger(__name__)

DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "invalid",
}


def flatten_errors(detail: Any) -> dict[str, list[str]]:
    """DRF's nested error detail as `fields`: `{"name": [messages]}`, nested names dotted."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for name, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in flatten_errors(value).items():
                    fields[f"{name}.{sub}"] = messages
            elif isinstance(value, list):
                fields[name] = [str(v) if not isinstance(v, dict) else str(flatten_errors(v)) for v in value]
            else:
                fields[name] = [str(value)]
        return fields
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def error_response(exc: ChaatError) -> Response:
    response = Response(exc.as_dict(), status=exc.status)
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ChaatError):
        return error_response(exc)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is unreachable or a lock wait hit `lock_timeout`: the transaction rolled
        # back, so the client may retry. The same answer as the 500 handler's (chaat/views.py).
        logger.warning("database unavailable: %s", exc)
        return error_response(DatabaseUnavailable())
    if isinstance(exc, Http404):
        return Response({"code": "not_found", "detail": _("Not found.")}, status=404)
    if isinstance(exc, PermissionDenied):
        return Response({"code": "forbidden", "detail": _("You may not do that.")}, status=403)
    if isinstance(exc, RequestDataTooBig):
        return Response({"code": "too_large", "detail": _("The request body is too large.")}, 413)
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_errors(exc.detail)
        return Response(
            {"code": "invalid", "detail": _("Some fields are not valid."), "fields": fields},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, int(exc.wait or 1))
        response = Response(
            {"code": "rate_limited", "detail": _("Too many requests. Try again later.")}, 429
        )
        response["Retry-After"] = str(wait)
        return response
    if isinstance(exc, exceptions.APIException):
        code = DRF_CODES.get(type(exc), exc.default_code)
        response = Response({"code": code, "detail": str(exc.detail)}, status=exc.status_code)
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            response.status_code = 401
            response["WWW-Authenticate"] = "Token"
        return response
    return None
