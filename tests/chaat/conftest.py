"""Fixtures for the project plumbing tests."""

from __future__ import annotations

from tests.servers import live_workers  # noqa: F401 - the fixture, for the worker tests
