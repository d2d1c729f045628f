"""The client's address: the TCP peer, or what a trusted reverse proxy says it forwarded.

``X-Forwarded-For`` is believed only when the peer is one of the proxies in the
``trusted_proxies`` setting (default: none). Then the address taken is the right-most one in
the header that is not itself a trusted proxy: each proxy appends the address it saw, so
anything to the left of that may have been written by the client. Uvicorn's own proxy-header
handling is switched off (``serve`` passes ``proxy_headers=False``) so this is the only rule.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from functools import lru_cache

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _is_trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def resolve_client(
    peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[str]
) -> str | None:
    """The address to audit and throttle for a request from ``peer``.

    ``forwarded_for`` holds each ``X-Forwarded-For`` header's value in arrival order.
    """
    networks = _networks(tuple(trusted))
    if peer is None or not networks or not _is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if _is_trusted(hop, networks):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return peer  # a malformed hop: fall back to the proxy itself, never to client text
    return peer


def forwarded_scheme(scope: Scope, trusted: Sequence[str]) -> str:
    """``https`` or ``http``: the request's own scheme, or a trusted proxy's X-Forwarded-Proto."""
    scheme = str(scope.get("scheme", "http"))
    client = scope.get("client")
    peer = client[0] if client else None
    networks = _networks(tuple(trusted))
    if peer is None or not networks or not _is_trusted(peer, networks):
        return scheme
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-proto":
            # The left-most value is what the outermost proxy (the client's side) saw.
            first = value.decode("latin-1").split(",")[0].strip().lower()
            return first if first in ("http", "https") else scheme
    return scheme
