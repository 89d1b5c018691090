from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "translation"
    verbose_name = _("Translations")
