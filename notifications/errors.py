from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chaat.errors import ChaatError


class InvalidEndpoint(ChaatError):
    code = "invalid_endpoint"
    default_detail = _("The push endpoint must be an https:// URL on a public host.")


class PushUnavailable(ChaatError):
    code, status = "push_unavailable", 503
    default_detail = _("Push notifications are not configured on this server.")
