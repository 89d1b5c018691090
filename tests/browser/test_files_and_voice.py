"""Files and voice messages in real browsers: one person sends a file and records a voice message
(Chromium's fake microphone), the other sees both arrive live and plays the voice message back."""

from __future__ import annotations

import time

import pytest

from messaging.models import Message
from tests.browser.conftest import in_thread, shot, signed_in_page
from tests.browser.test_live_site import open_live
from tests.factories import direct_chat

pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def direct(shahn, shivam):
    """Made before the browser starts (see in_thread)."""
    return direct_chat(shahn, shivam)


def test_a_file_and_a_voice_message_arrive_live_and_play_back(direct, live_servers, chromium, shahn, shivam):
    (server,) = live_servers(1)
    url = server.url(f"/chats/{direct.id}")
    me, friend = signed_in_page(chromium, server, shahn), signed_in_page(chromium, server, shivam)
    open_live(me, url)
    open_live(friend, url)

    me.set_input_files("#send-file", files=[{"name": "Plan ../2026.pdf", "mimeType": "application/pdf",
                                             "buffer": b"%PDF-1.4\n" + b"0" * 3000}])
    for page in (me, friend):
        page.wait_for_selector("#m-1 .file-card .file-name:text-is('2026.pdf')", timeout=5000)
    assert friend.text_content("#m-1 .file-size") == "3.0 KB"
    me.wait_for_selector("#upload-panel", state="hidden")

    me.click("#record-voice")
    me.wait_for_selector("#record-panel:not([hidden])")
    me.wait_for_selector(".record-elapsed:text-is('0:02')", timeout=5000)
    shot(me, "voice-recording")
    me.click("#record-panel .record-send")
    friend.wait_for_selector("#m-2 .voice-note", timeout=8000)
    voice = in_thread(lambda: Message.objects.get(chat=direct, seq=2))
    assert voice.kind == "voice" and voice.file_content_type == "audio/webm" and 1.5 < voice.file_duration_s < 4
    assert friend.text_content("#m-2 .voice-duration") in ("0:02", "0:03")

    friend.click("#m-2 .voice-play")
    deadline = time.monotonic() + 5
    while friend.evaluate("document.querySelector('#m-2 audio').currentTime") < 0.5:
        assert time.monotonic() < deadline, "the voice message does not play"
        friend.wait_for_timeout(100)
    friend.wait_for_selector("#m-2 .voice-position:not([hidden])")
    assert friend.get_attribute("#m-2 .voice-play", "aria-label") == "Pause"
    shot(friend, "voice-playing")
    assert me.errors == [] and friend.errors == []
