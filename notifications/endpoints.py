"""Which push endpoints the server will send to: the contract's check that keeps a subscription
from making the server reach internal addresses."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from notifications.errors import InvalidEndpoint


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _resolves_to_public_only(host: str, port: int) -> bool:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(_is_public(address) for address in addresses)


def allowed_by_setting(host: str, port: int | None) -> bool:
    allowed = {entry.lower() for entry in settings.PUSH_ALLOWED_HOSTS}
    return host in allowed or (port is not None and f"{host}:{port}" in allowed)


def check_endpoint(url: str) -> str:
    """`url` if the server may send pushes there, else InvalidEndpoint: an https:// URL whose
    host resolves to public addresses only, or any http(s) URL on a host (or host:port) listed
    in PUSH_ALLOWED_HOSTS. Checked when subscribing and again before each send (DNS may change)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidEndpoint() from exc
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"https", "http"} or not host or parts.username or parts.password:
        raise InvalidEndpoint()
    if allowed_by_setting(host, port):
        return url
    if parts.scheme != "https" or not _resolves_to_public_only(host, port or 443):
        raise InvalidEndpoint()
    return url
