from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chaat.errors import ChaatError


class TranslationUnavailable(ChaatError):
    """No translation service is configured, or it failed or took too long."""

    code, status = "translation_unavailable", 503
    default_detail = _("Translation is not available right now. Try again later.")
    retry_after = 30


class NotTranslatable(ChaatError):
    code, status = "not_translatable", 400
    default_detail = _("This message has no text to translate.")
