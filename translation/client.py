"""The client of a LibreTranslate-compatible service (contract: "Languages and translation"):
`POST {TRANSLATION_URL}/translate` with JSON `{"q","source","target","format":"text"}` (and
`"api_key"` with TRANSLATION_API_KEY), answered with `{"translatedText"}`.

Every call ends within TRANSLATION_TIMEOUT seconds in all (connecting, sending and reading
together, not per step: a service that sends its answer a byte at a time is cut off too), and
any failure is TranslationUnavailable."""

from __future__ import annotations

import http.client
import json
import logging
import time
from urllib.parse import urlsplit

from django.conf import settings

from translation.errors import TranslationUnavailable

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 1 << 20


def is_configured() -> bool:
    return bool(settings.TRANSLATION_URL)


def translate(*, text: str, source: str, target: str) -> str:
    """`text` from `source` into `target`, or TranslationUnavailable."""
    if not is_configured():
        raise TranslationUnavailable()
    body = {"q": text, "source": source, "target": target, "format": "text"}
    if settings.TRANSLATION_API_KEY:
        body["api_key"] = settings.TRANSLATION_API_KEY
    try:
        status, payload = _post_json("/translate", body, timeout=float(settings.TRANSLATION_TIMEOUT))
        if status != 200:
            raise ValueError(f"status {status}")
        translated = json.loads(payload)["translatedText"]
        if not isinstance(translated, str):
            raise TypeError("translatedText is not a string")
    except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError) as exc:
        logger.warning("translation service failed: %s", exc)
        raise TranslationUnavailable() from exc
    return translated


def _post_json(path: str, body: dict, *, timeout: float) -> tuple[int, bytes]:
    deadline = time.monotonic() + timeout
    url = urlsplit(settings.TRANSLATION_URL.rstrip("/") + path)
    connection_class = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(url.hostname, url.port, timeout=timeout)
    try:
        connection.request("POST", url.path, body=json.dumps(body).encode(),
                           headers={"Content-Type": "application/json", "Accept": "application/json"})
        _set_timeout(connection, deadline)
        response = connection.getresponse()
        chunks, size = [], 0
        while True:
            _set_timeout(connection, deadline)
            chunk = response.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise ValueError("response too large")
            chunks.append(chunk)
        return response.status, b"".join(chunks)
    finally:
        connection.close()


def _set_timeout(connection: http.client.HTTPConnection, deadline: float) -> None:
    """What is left of the call's time becomes the socket's timeout for the next step."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("translation service too slow")
    if connection.sock is not None:
        connection.sock.settimeout(remaining)
