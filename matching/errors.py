from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chaat.errors import ChaatError


class NoPoints(ChaatError):
    code, status = "no_points", 403
    default_detail = _("You have no points left today. They come back at 00:00 UTC.")


class AlreadyWaiting(ChaatError):
    code, status = "already_waiting", 409
    default_detail = _("You are already waiting for a match.")


class InMatch(ChaatError):
    code, status = "in_match", 409
    default_detail = _("You are already in a match.")
