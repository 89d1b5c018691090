"""A 25 MiB file round-trips through a real server process with bounded memory: the upload is
spooled to disk and moved into storage, the download streamed in chunks (docs/RELIABILITY.md)."""

from __future__ import annotations

import hashlib
import os
import uuid

import httpx
import pytest

from accounts.services import issue_token
from messaging.services.chats import get_or_create_direct_chat
from tests.factories import UserFactory, befriend
from tests.servers import live_servers  # noqa: F401 - the fixture

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

SIZE = 25 * 1024 * 1024
BOUND = 16 * 1024 * 1024  # the server's peak RSS may grow by at most this much (the file is 25 MiB)


def peak_rss(pid: int) -> int:
    """VmHWM: the most resident memory the process has had since it started."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def test_a_25_mib_file_round_trips_with_bounded_memory(live_servers, tmp_path):  # noqa: F811
    shahn, shivam = UserFactory(username="shahn"), UserFactory(username="shivam")
    befriend(shahn, shivam)
    chat, _ = get_or_create_direct_chat(actor=shahn, other_id=shivam.id)
    (server,) = live_servers(1)
    source = tmp_path / "big.bin"
    with source.open("wb") as out:
        for _ in range(SIZE // (1024 * 1024)):
            out.write(os.urandom(1024 * 1024))
    send_url = server.url(f"/api/v1/chats/{chat.id}/messages")
    with httpx.Client(timeout=60) as client:
        # Warm up: the send path and the file view run once before the baseline is taken.
        headers = {"Authorization": f"Token {issue_token(user=shahn)}"}
        small = client.post(send_url, headers=headers, data={"kind": "file", "client_id": str(uuid.uuid4())},
                            files={"file": ("small.bin", b"x" * 4096)})
        assert small.status_code == 201, small.text
        assert client.get(server.url(small.json()["file"]["url"]), headers=headers).status_code == 200
        before = peak_rss(server.pid)
        with source.open("rb") as upload:  # httpx streams the file in chunks
            response = client.post(send_url, headers=headers, data={"kind": "file", "client_id": str(uuid.uuid4())},
                                   files={"file": ("big.bin", upload)})
        assert response.status_code == 201, response.text
        after_upload = peak_rss(server.pid)
        digest = hashlib.sha256()
        reader = {"Authorization": f"Token {issue_token(user=shivam)}"}
        with client.stream("GET", server.url(response.json()["file"]["url"]), headers=reader) as download:
            assert download.status_code == 200
            for chunk in download.iter_bytes():
                digest.update(chunk)
        after_download = peak_rss(server.pid)
    assert digest.hexdigest() == hashlib.sha256(source.read_bytes()).hexdigest()
    print(f"\npeak RSS {before / 2**20:.1f} MiB; after the 25 MiB upload {after_upload / 2**20:.1f} MiB; "
          f"after its download {after_download / 2**20:.1f} MiB")
    assert after_upload - before < BOUND
    assert after_download - before < BOUND
