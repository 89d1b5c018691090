"""The interactive API docs work in a real browser under the strict CSP, with no internet access."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_every_operation_without_a_csp_violation(chromium, live_server):
    page = chromium.new_page()
    violations, foreign = [], []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.on("request", lambda r: not r.url.startswith(live_server.url) and not r.url.startswith("data:")
            and foreign.append(r.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15_000)
    operations = page.locator(".opblock").count()
    assert violations == []
    assert foreign == []
    assert operations >= 10
