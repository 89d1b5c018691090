"""Fixtures for the account tests."""

from __future__ import annotations

from tests.servers import live_workers  # noqa: F401 - the fixture: the worker sends the mails
