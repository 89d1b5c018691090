"""The German and Spanish catalogues are complete and valid: gettext's own check (plural forms,
format strings) passes and no message is left untranslated or fuzzy."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import installed

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


@pytest.fixture(scope="module")
def msgfmt() -> str:
    return installed("msgfmt", "gettext: apt-get install gettext")


def test_there_is_a_catalogue_for_each_language_but_english():
    assert {po.parts[-3] for po in CATALOGUES} == {code for code, _ in settings.LANGUAGES} - {"en"}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parts[-3])
def test_the_catalogue_passes_msgfmt_check_with_every_message_translated(po, msgfmt):
    result = subprocess.run([msgfmt, "--check", "--statistics", "-o", os.devnull, str(po)],
                            capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    errors = [line for line in result.stderr.splitlines() if "warning: header field" not in line]
    assert result.returncode == 0, "\n".join(errors)
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
