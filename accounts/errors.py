from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chaat.errors import ChaatError


class UsernameTaken(ChaatError):
    code = "username_taken"
    default_detail = _("That username is taken.")


class WeakPassword(ChaatError):
    code = "weak_password"
    default_detail = _("That password is too weak.")


class InvalidCredentials(ChaatError):
    code = "invalid_credentials"
    default_detail = _("Wrong username or password.")


class InvalidToken(ChaatError):
    code = "invalid_token"
    default_detail = _("This link is not valid or has expired.")
