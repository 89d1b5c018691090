"""Translations of messages, each asked of the translation service once per text and language."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.models import Message


def text_hash(text: str) -> str:
    """What a translation was made from: an edit changes the text, so the old translations no
    longer match (and are deleted by the edit)."""
    return hashlib.sha256(text.encode()).hexdigest()


class MessageTranslation(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="translations")
    source_hash = models.CharField(max_length=64)
    source_lang = models.CharField(_("from"), max_length=8)
    target_lang = models.CharField(_("to"), max_length=8)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "target_lang", "source_hash"],
                                    name="one_translation_per_text_and_language"),
        ]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")

    def __str__(self) -> str:
        return f"{self.message_id} → {self.target_lang}"
