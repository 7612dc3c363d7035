"""Which Host header values name this server: any other may be a DNS rebinding attack."""

from __future__ import annotations

import ipaddress
import socket

from msgspec import Struct


class Hosts(Struct, frozen=True):
    """The Host header values that name this server; any other may be a rebinding attack."""

    names: frozenset[str]
    port: int
    any_address: bool  # bound beyond loopback: any IP address literal may name it

    def accept(self, value: str) -> bool:
        split = _split_host(value.strip().lower())
        if split is None:
            return False
        name, port = split
        if (80 if port is None else port) != self.port:  # no port in Host means port 80
            return False
        return name in self.names or (self.any_address and _is_address(name))


def hosts_for(bind: str, port: int) -> Hosts:
    names = {"127.0.0.1", "localhost", "::1", bind.lower()}
    loopback = is_loopback(bind)
    if not loopback:
        names.add(socket.gethostname().lower())
    return Hosts(frozenset(names), port, not loopback)


def _split_host(value: str) -> tuple[str, int | None] | None:
    """A Host value's name (IPv6 without brackets) and port; None when malformed."""
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket or not _is_address(name):
            return None
    else:
        name, colon, port_text = value.partition(":")
        rest = colon + port_text
    if not name:
        return None
    if not rest:
        return name, None
    port_text = rest[1:]
    if not rest.startswith(":") or not port_text.isascii() or not port_text.isdigit():
        return None
    return name, int(port_text)


def is_loopback(bind: str) -> bool:
    """Whether an address to serve on is this computer's alone: "localhost", any address of
    127.0.0.0/8 or ::1 (in brackets or not), or one of those IPv4 addresses mapped to IPv6."""
    name = bind.strip().removeprefix("[").removesuffix("]").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
