"""The base of every domain error: a contract `code`, an HTTP status and a human `detail`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ChaatError(Exception):
    """Raised by services and selectors; the API, the site and the socket all render it."""

    code: str = "error"
    status: int = 400
    default_detail: Any = _("The request could not be completed.")
    # Seconds after which a retry may succeed: sent as `Retry-After` (HTTP) or `retry_after` (socket).
    retry_after: int | None = None

    def __init__(self, detail: Any = None, *, fields: dict[str, list[str]] | None = None) -> None:
        self.detail = detail if detail is not None else self.default_detail
        self.fields = fields
        super().__init__(str(self.detail))

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "detail": str(self.detail)}
        if self.fields:
            body["fields"] = {name: [str(m) for m in msgs] for name, msgs in self.fields.items()}
        return body


class NotFound(ChaatError):
    code, status = "not_found", 404
    default_detail = _("Not found.")


class Forbidden(ChaatError):
    code, status = "forbidden", 403
    default_detail = _("You may not do that.")


class Invalid(ChaatError):
    code, status = "invalid", 400
    default_detail = _("Some fields are not valid.")


class TooLarge(ChaatError):
    code, status = "too_large", 413
    default_detail = _("The upload is too large.")


class InvalidImage(ChaatError):
    code, status = "invalid_image", 400
    default_detail = _("The file is not an accepted image (PNG, JPEG, GIF or WebP).")


class RateLimited(ChaatError):
    code, status = "rate_limited", 429
    default_detail = _("Too many requests. Try again later.")

    def __init__(self, retry_after: int, detail: Any = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(detail)


class DatabaseUnavailable(ChaatError):
    """The database could not answer in time: unreachable, restarting, or a row stayed locked
    past `lock_timeout`. Nothing was stored; retrying (with the same client_id) is safe."""

    code, status = "database_unavailable", 503
    default_detail = _("The service is briefly unavailable. Try again.")
    retry_after = 2
