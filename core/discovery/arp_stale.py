"""Old neighbour-table entries may be ghosts of departed hosts: find them, and TCP-check each."""

from __future__ import annotations

import errno
import json
import selectors
import shutil
import socket
import subprocess
import sys
import time
from typing import Any

from core.cancel import CancelToken

FRESH_SECONDS = 30  # an entry confirmed this recently is trusted as it is
CHECK_PORTS = (80, 443, 22, 62078)  # any answer, even a refusal, proves the host is up
CHECK_TIMEOUT = 0.5
REPROBE_POLL = 0.2
CHUNK = 64  # hosts checked at once (x ports = open sockets)
_ALIVE_ERRNOS = {0, errno.ECONNREFUSED, errno.ECONNRESET}


def stale_suspects(iface: str) -> set[str]:
    """IPs whose entry was last confirmed long ago (Linux `ip -s neigh`; empty elsewhere).

    Sending them a datagram does not refresh such an entry within a scan's time (the kernel
    waits 5 s before re-probing), so without a check a host that left hours ago would be listed.
    """
    return parse_suspects(_ip_neigh(iface)) if _has_ip() else set()


def pending_resolutions(iface: str) -> set[str]:
    """IPs the kernel is still resolving (INCOMPLETE), e.g. from a sweep seconds ago."""
    return parse_pending(_ip_neigh(iface)) if _has_ip() else set()


def parse_pending(text: str) -> set[str]:
    """From `ip -j neigh`: the addresses in state INCOMPLETE."""
    return {str(entry.get("dst", "")) for entry in _entries(text)
            if "INCOMPLETE" in entry.get("state", [])}


def parse_suspects(text: str) -> set[str]:
    """From `ip -j -s neigh`: not REACHABLE/PERMANENT and confirmed FRESH_SECONDS ago or more."""
    suspects = set()
    for entry in _entries(text):
        if "lladdr" not in entry:
            continue
        states = set(entry.get("state", []))
        if states & {"REACHABLE", "PERMANENT", "NOARP"}:
            continue
        confirmed = entry.get("confirmed")
        if isinstance(confirmed, int | float) and confirmed < FRESH_SECONDS:
            continue
        suspects.add(str(entry.get("dst", "")))
    return suspects


def reprobed_alive(iface: str, ips: set[str], cancel: CancelToken, until: float) -> set[str]:
    """Which of `ips` the kernel's own re-probe confirmed (REACHABLE, fresh) before `until`;
    returns early once every one is confirmed or failed."""
    alive: set[str] = set()
    waiting = set(ips)
    while waiting and _has_ip() and time.monotonic() < until:
        for entry in _entries(_ip_neigh(iface)):
            ip, states = str(entry.get("dst", "")), set(entry.get("state", []))
            if ip not in waiting:
                continue
            if states & {"REACHABLE", "PERMANENT"} and _fresh(entry):
                alive.add(ip)
                waiting.discard(ip)
            elif "FAILED" in states:
                waiting.discard(ip)
        if cancel.wait(REPROBE_POLL):
            break
    return alive


def _fresh(entry: dict[str, Any]) -> bool:
    confirmed = entry.get("confirmed")
    return isinstance(confirmed, int | float) and confirmed < FRESH_SECONDS


def _has_ip() -> bool:
    return sys.platform.startswith("linux") and shutil.which("ip") is not None


def _ip_neigh(iface: str) -> str:
    """`ip -j -s -4 neigh show dev IFACE` (unprivileged), or "" when it cannot run."""
    try:
        return subprocess.run(["ip", "-j", "-s", "-4", "neigh", "show", "dev", iface],
                              capture_output=True, text=True, timeout=3).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _entries(text: str) -> list[dict[str, Any]]:
    try:
        entries = json.loads(text or "[]")
    except json.JSONDecodeError:
        return []
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def tcp_alive(ips: set[str], cancel: CancelToken, timeout: float = CHECK_TIMEOUT) -> set[str]:
    """Which of `ips` answer a TCP connect on any CHECK_PORTS (open or refused) within timeout."""
    ordered = sorted(ips)
    alive: set[str] = set()
    for first in range(0, len(ordered), CHUNK):
        if cancel.cancelled:
            break
        alive |= _check_chunk(ordered[first:first + CHUNK], cancel, timeout)
    return alive


def _check_chunk(ips: list[str], cancel: CancelToken, timeout: float) -> set[str]:
    alive: set[str] = set()
    with selectors.DefaultSelector() as selector:
        for ip in ips:
            for port in CHECK_PORTS:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setblocking(False)
                if sock.connect_ex((ip, port)) in (errno.EINPROGRESS, errno.EWOULDBLOCK, 0):
                    selector.register(sock, selectors.EVENT_WRITE, ip)
                else:
                    sock.close()
        end = time.monotonic() + timeout
        try:
            while selector.get_map() and not cancel.cancelled and time.monotonic() < end:
                for key, _ in selector.select(min(0.05, max(0.0, end - time.monotonic()))):
                    done = key.fileobj
                    selector.unregister(done)
                    if isinstance(done, socket.socket):
                        if done.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) in _ALIVE_ERRNOS:
                            alive.add(key.data)
                        done.close()
        finally:
            for key in list(selector.get_map().values()):
                selector.unregister(key.fileobj)
                if isinstance(key.fileobj, socket.socket):
                    key.fileobj.close()
    return alive
