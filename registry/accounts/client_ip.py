"""The client's address, believing `X-Forwarded-For` only from the reverse proxies named in TRUSTED_PROXIES.

The header is walked from the right: each hop added by a trusted proxy is peeled off, and the first address that
is not a trusted proxy is the client. Anything a client writes into the header itself sits further left and is
never reached unless every hop to its right is trusted.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

__all__ = ["client_address", "client_ip"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(remote_addr: str | None, forwarded_for: str, trusted: tuple[str, ...]) -> str | None:
    """The client address from the connecting address and the X-Forwarded-For header, given trusted proxies."""
    networks = _networks(tuple(trusted))
    address = remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    while address and hops and _is_trusted(address, networks):
        candidate = hops.pop()
        if not _valid(candidate):
            # A proxy we trust passed on garbage: the proxy itself is the best address we know.
            break
        address = candidate
    return address


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address django-axes throttles on (and the audit log may record)."""
    return client_address(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        tuple(settings.TRUSTED_PROXIES),
    )
