"""Unprivileged ARP: a paced UDP sweep makes the OS resolve hosts; then read its neighbour table."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable

from core.cancel import CancelToken
from core.discovery import arp_stale
from core.discovery.neighbours import read_neighbours
from core.models import ArpEntry

SWEEP_PORT = 9  # discard: nobody should answer, the datagram only triggers ARP
CHUNK = 256  # addresses per sweep round: stays well inside the kernel's neighbour table
TABLE_RATE = 300  # addresses per second the neighbour table absorbs on large networks
TABLE_FULL_PAUSE = 0.5
IP_RECVERR = 11 if sys.platform.startswith("linux") else None  # not in Python's socket module
BATCH = 32  # datagrams per burst (and per socket)
BATCH_GAP = 0.005  # seconds between bursts, so the switch and the kernel keep up
SETTLE = 0.35  # stop waiting once the table has not grown for this long...
MIN_WAIT = 0.6  # ...but wait at least this long after the last datagram
MAX_WAIT = 1.5  # and never longer than this
# An address still being resolved from an earlier sweep (INCOMPLETE) gets no new ARP request
# from our datagram: the kernel goes on with its own retries, one a second (retrans_time), so
# a host that came up since answers the next one. Wait that long for such addresses.
PENDING_WAIT = 1.1
# An old (STALE) entry that answers no TCP connect may be a ghost, or a host that drops all IP.
# Our datagram moved it to DELAY: the kernel probes it by unicast ARP 5 s later
# (delay_first_probe_time) and marks it REACHABLE or FAILED; wait that long for the verdict.
REPROBE_WAIT = 6.5
POLL = 0.05


def kernel_arp_scan(network: ipaddress.IPv4Network, iface: str, own_ip: str,
                    cancel: CancelToken, on_entry: Callable[[ArpEntry], None] | None = None,
                    deadline: float | None = None) -> tuple[ArpEntry, ...]:
    """Sweep `network` with one datagram per address, then collect resolved neighbours."""
    targets = [str(ip) for ip in _hosts(network) if str(ip) != own_ip]
    suspects = arp_stale.stale_suspects(iface) & set(targets)
    pending = arp_stale.pending_resolutions(iface) & set(targets)
    confirmed: set[str] = set()
    checker = threading.Thread(target=lambda: confirmed.update(
        arp_stale.tcp_alive(suspects, cancel)), name="arp-stale-check")
    checker.start()
    found: dict[str, ArpEntry] = {}
    rounds = [targets[first:first + CHUNK] for first in range(0, len(targets), CHUNK)]
    try:
        while rounds and not cancel.cancelled:
            deferred = sweep(rounds.pop(0), own_ip, cancel)
            for entry in collect(network, iface, cancel, on_entry, deadline, known=found,
                                 skip=suspects, pending=pending):
                found[entry.ip] = entry
            if deadline is not None and time.monotonic() >= deadline:
                break
            if deferred:  # the neighbour table was full: retry once older entries expired
                rounds.append(deferred)
                cancel.wait(TABLE_FULL_PAUSE)
    finally:
        checker.join()
    unproven = suspects - confirmed - set(found)
    if unproven and not cancel.cancelled:
        confirmed |= arp_stale.reprobed_alive(iface, unproven, cancel,
                                             time.monotonic() + REPROBE_WAIT)
    for entry in read_neighbours(iface):  # old entries that proved alive
        if entry.ip in confirmed and entry.ip not in found:
            found[entry.ip] = entry
            if on_entry:
                on_entry(entry)
    return tuple(found.values())


def time_needed(network: ipaddress.IPv4Network) -> float:
    """Seconds a sweep of `network` typically needs (a /24: about 1 s; a /16: minutes).

    Unanswered addresses hold a neighbour-table slot for ~3 s and the table has ~1024 slots
    (shared by the whole machine), so beyond a /23 the table, not the sending, sets the pace.
    """
    chunks = -(-network.num_addresses // CHUNK)
    return max(chunks * (MIN_WAIT + 0.2), network.num_addresses / TABLE_RATE) + 0.5


def sweep(targets: Iterable[str], own_ip: str, cancel: CancelToken) -> list[str]:
    """Send one tiny UDP datagram to each target, in paced bursts; returns those to retry.

    Datagrams to a not-yet-resolved address wait in the kernel until ARP answers or gives up
    (~3 s), still charged to the sending socket's buffer; so each burst gets a fresh socket.
    """
    batch: list[str] = []
    retry: list[str] = []
    for ip in targets:
        batch.append(ip)
        if len(batch) == BATCH:
            retry += _send_batch(batch, own_ip)
            batch = []
            if cancel.wait(BATCH_GAP):
                return retry
    if batch:
        retry += _send_batch(batch, own_ip)
    return retry


def _send_batch(batch: list[str], own_ip: str) -> list[str]:
    """Send to each of `batch`; returns the addresses the neighbour table had no room for."""
    no_room: list[str] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        # Without IP_RECVERR, Linux hides ENOBUFS (neighbour table full) from UDP senders.
        if IP_RECVERR is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
        with contextlib.suppress(OSError):  # unbound still works: the route picks the interface
            sock.bind((own_ip, 0))
        for ip in batch:
            for _attempt in range(2):  # a queued ICMP error may fail one send: try again
                try:
                    sock.sendto(b"\0", (ip, SWEEP_PORT))
                    break
                except OSError as error:
                    if error.errno == errno.ENOBUFS:
                        no_room.append(ip)
                        break
    return no_room


def collect(network: ipaddress.IPv4Network, iface: str, cancel: CancelToken,
            on_entry: Callable[[ArpEntry], None] | None = None,
            deadline: float | None = None,
            known: dict[str, ArpEntry] | None = None,
            skip: set[str] | None = None,
            pending: set[str] | None = None) -> tuple[ArpEntry, ...]:
    """Poll the neighbour table until it settles (bounded), reporting each new entry once.

    Addresses in `pending` were mid-resolution before the sweep: until PENDING_WAIT has passed,
    the table is not settled while one of them is still being resolved.
    """
    start = time.monotonic()
    end = start + MAX_WAIT if deadline is None else min(start + MAX_WAIT, deadline)
    waiting = set(pending or ())
    seen: dict[str, ArpEntry] = dict(known or {})
    last_growth = start
    while True:
        for entry in read_neighbours(iface):
            if entry.ip in seen or (skip and entry.ip in skip):
                continue
            if ipaddress.IPv4Address(entry.ip) in network:
                seen[entry.ip] = entry
                last_growth = time.monotonic()
                if on_entry:
                    on_entry(entry)
        now = time.monotonic()
        if waiting and now - start < PENDING_WAIT:
            waiting = (waiting - set(seen)) & arp_stale.pending_resolutions(iface)
        else:
            waiting = set()
        settled = now - start >= MIN_WAIT and now - last_growth >= SETTLE and not waiting
        if settled or now >= end or cancel.wait(POLL):
            return tuple(seen.values())


def _hosts(network: ipaddress.IPv4Network) -> Iterable[ipaddress.IPv4Address]:
    return network.hosts() if network.prefixlen < 31 else iter(network)
