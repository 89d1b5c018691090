"""The server's VAPID key pair (RFC 8292): from VAPID_PRIVATE_KEY / VAPID_PUBLIC_KEY, or, with
DEBUG=1 and no key set, generated once into var/vapid_private.pem and kept there."""

from __future__ import annotations

import base64
import functools
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid

from notifications import errors


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _generated_key_file(var_dir: str) -> Path:
    path = Path(var_dir) / "vapid_private.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        vapid = Vapid()
        vapid.generate_keys()
        pem = vapid.private_pem()
        try:  # O_EXCL: two processes starting together keep the first one's key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
    return path


@functools.cache
def _load(private_key: str, debug: bool, var_dir: str) -> Vapid | None:
    if "-----BEGIN" in private_key:
        return Vapid.from_pem(private_key.replace("\\n", "\n").strip().encode())
    if private_key:
        return Vapid.from_string(private_key=private_key)
    if debug:
        return Vapid.from_file(str(_generated_key_file(var_dir)))
    return None


def server_key() -> Vapid:
    """The VAPID key, or PushUnavailable when none is configured (production without keys)."""
    vapid = _load(settings.VAPID_PRIVATE_KEY, settings.DEBUG, str(settings.VAR_DIR))
    if vapid is None:
        raise errors.PushUnavailable()
    return vapid


def public_key() -> str:
    """The public key as browsers take it: base64url of the uncompressed P-256 point."""
    if settings.VAPID_PUBLIC_KEY:
        return settings.VAPID_PUBLIC_KEY
    raw = server_key().public_key.public_bytes(serialization.Encoding.X962,
                                               serialization.PublicFormat.UncompressedPoint)
    return b64url(raw)
