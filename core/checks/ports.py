"""TCP connect scan of a curated port list: open, closed or filtered, bounded and always closed."""

from __future__ import annotations

import asyncio
from enum import StrEnum
from urllib.parse import urlsplit

from core.checks.net import Gate
from core.models import Device

DEFAULT_PORTS: tuple[int, ...] = (
    21, 22, 23, 80, 443, 445, 515, 554, 631, 1883, 3389, 5000, 5001, 5555, 5900, 7547, 8008,
    8080, 8443, 8883, 9100,
)
# Tried first, at once, with a short timeout: a host that answers none of them (no accept, no
# refusal) drops everything and is not waited on for every other port.
QUICK_PORTS: tuple[int, ...] = (22, 23, 80, 443, 554, 8080)
MAX_QUICK_ADVERTISED = 10


class PortState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # refused: the host is there, nothing listens
    FILTERED = "filtered"  # no answer in time (firewall drops, or the host is gone)


def ports_for(device: Device, base: tuple[int, ...] = DEFAULT_PORTS) -> tuple[int, ...]:
    """The curated list plus every port the device advertised over mDNS or UPnP."""
    ports = set(base)
    ports.update(s.port for s in device.services if 0 < s.port < 65536)
    ports.update(port for _, port in web_addresses(device))
    return tuple(sorted(ports))


def web_addresses(device: Device) -> list[tuple[str, int]]:
    """("http" or "https", port) of every web address the device advertised: its UPnP
    description (the SSDP LOCATION) and those of its WS-Discovery XAddrs on its own address."""
    urls = [(device.upnp.location, True)] if device.upnp and device.upnp.location else []
    urls += [(x, False) for x in device.wsd.xaddrs] if device.wsd else []
    found = []
    for url, own in urls:
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            continue
        if parts.scheme in ("http", "https") and (own or parts.hostname in device.ips):
            found.append((parts.scheme, port))
    return list(dict.fromkeys(found))


def quick_ports(device: Device, ports: tuple[int, ...]) -> tuple[int, ...]:
    """The few ports tried first: common admin ports plus (some of) what the device advertised."""
    advertised = [p for p in ports_for(device, ()) if p in ports][:MAX_QUICK_ADVERTISED]
    return tuple(sorted({*(p for p in QUICK_PORTS if p in ports), *advertised}))


async def scan_ports(ip: str, ports: tuple[int, ...], gate: Gate, timeout: float | None = None,
                     into: dict[int, PortState] | None = None) -> dict[int, PortState]:
    """Connect to every port (concurrency bounded by the gate); returns each port's state.

    Each state also goes into `into` as soon as it is known (kept if the scan is stopped).
    """
    found = {} if into is None else into

    async def one(port: int) -> None:
        found[port] = await probe_port(ip, port, gate, timeout)

    await asyncio.gather(*(one(port) for port in ports))
    return {port: found[port] for port in ports}


def all_silent(states: dict[int, PortState]) -> bool:
    """True when no port accepted or refused: the host drops every connection attempt."""
    return bool(states) and all(s is PortState.FILTERED for s in states.values())


async def probe_port(ip: str, port: int, gate: Gate, timeout: float | None = None) -> PortState:
    async with gate.slot():
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(ip, port),
                                               timeout or gate.connect_timeout)
        except ConnectionRefusedError:
            return PortState.CLOSED
        except ConnectionResetError:  # accepted, then reset at once: something listens
            return PortState.OPEN
        except (TimeoutError, OSError):
            return PortState.FILTERED
        writer.transport.abort()  # a reset frees the peer at once: nothing stays half-open
        return PortState.OPEN


def summary(states: dict[int, PortState], timeout: float) -> str:
    """One line for a person: which ports are open, how many closed and filtered."""
    by_state = {s: [p for p, st in sorted(states.items()) if st is s] for s in PortState}
    open_ports = ", ".join(str(p) for p in by_state[PortState.OPEN]) or "none"
    text = f"TCP connect to {len(states)} ports: open {open_ports}"
    text += f"; closed {len(by_state[PortState.CLOSED])}"
    filtered = by_state[PortState.FILTERED]
    if filtered:
        text += f"; filtered {len(filtered)} (no answer in {timeout:g} s)"
    return text
