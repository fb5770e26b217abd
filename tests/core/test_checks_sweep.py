"""The thorough sweep on 127.0.0.1: open, closed and silent ports, bounded, no socket left open."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest

from core.checks import CheckOptions, run_checks
from core.checks.net import Gate
from core.checks.ports import PortState
from core.checks.sweep import connect_state, sweep
from core.datafiles import top_ports
from core.models import Device
from tests.timing import within


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@contextmanager
def _listeners(count: int) -> Iterator[list[int]]:
    with ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.create_server(("127.0.0.1", 0)))
            ports.append(sock.getsockname()[1])
        yield ports


@contextmanager
def _silent_port() -> Iterator[int]:
    """A listener whose accept queue is full: the kernel drops further SYNs (no answer)."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as server, \
            socket.create_connection(server.getsockname()) as _filler:
        yield server.getsockname()[1]


def _closed_ports(count: int) -> list[int]:
    socks = [socket.socket() for _ in range(count)]
    for sock in socks:
        sock.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for sock in socks:
        sock.close()
    return ports


def _gate(slots: int = 64) -> Gate:
    return Gate(asyncio.Semaphore(slots), asyncio.Semaphore(slots), 1.0, 1.0)


def test_open_closed_and_silent_ports_are_told_apart_and_every_socket_is_closed() -> None:
    with _listeners(3) as opened, _silent_port() as silent:
        closed = _closed_ports(5)
        before = _open_fds()

        async def run() -> dict[int, PortState]:
            return await sweep("127.0.0.1", (*opened, *closed, silent), _gate(), 16, 0.2, 0.3,
                               {})

        started = time.monotonic()
        states = asyncio.run(run())
        elapsed = time.monotonic() - started
        assert _open_fds() == before
    assert [states[p] for p in opened] == [PortState.OPEN] * 3
    assert [states[p] for p in closed] == [PortState.CLOSED] * 5
    assert states[silent] is PortState.FILTERED
    assert 0.5 <= elapsed < within(1.0)  # the silent port was asked twice: 0.2 s, then 0.3 s


def test_a_host_silent_on_every_port_is_not_asked_twice() -> None:
    with _silent_port() as first, _silent_port() as second:
        async def run() -> dict[int, PortState]:
            return await sweep("127.0.0.1", (first, second), _gate(), 16, 0.2, 5.0, {})

        started = time.monotonic()
        states = asyncio.run(run())
        assert time.monotonic() - started < within(0.5)  # not 5 s: no retry pass
    assert set(states.values()) == {PortState.FILTERED}


def test_few_shared_slots_still_cover_every_port() -> None:
    closed = _closed_ports(40)
    with _listeners(2) as opened:
        into: dict[int, PortState] = {}
        states = asyncio.run(sweep("127.0.0.1", (*closed, *opened), _gate(slots=3), 1000, 0.2,
                                   0.2, into))
    assert len(states) == 42 and into == states
    assert [p for p, s in states.items() if s is PortState.OPEN] == opened


def test_cancelling_a_sweep_closes_its_sockets_and_records_silence() -> None:
    with _silent_port() as silent:
        into: dict[int, PortState] = {}
        before = _open_fds()

        async def run() -> None:
            task = asyncio.create_task(sweep("127.0.0.1", (silent,), _gate(), 16, 30.0, 30.0,
                                             into))
            await asyncio.sleep(0.1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        asyncio.run(run())
        assert _open_fds() == before
    assert into == {silent: PortState.FILTERED}


def test_the_fallback_connect_agrees_with_the_batch() -> None:
    with _listeners(1) as (opened,):
        (closed,) = _closed_ports(1)

        async def run() -> list[PortState]:
            return [await connect_state("127.0.0.1", p, 0.5) for p in (opened, closed)]

        assert asyncio.run(run()) == [PortState.OPEN, PortState.CLOSED]


def test_thorough_checks_find_an_open_port_outside_the_curated_list(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with _listeners(1) as (unusual,):
        closed = _closed_ports(30)
        monkeypatch.setattr(top_ports, "bundled", lambda: (*closed, unusual))
        device = Device(mac="02:00:00:00:00:01", ips=("127.0.0.1",))
        (standard,) = run_checks([device], CheckOptions(ports=(closed[0],)))
        (thorough,) = run_checks([device], CheckOptions(ports=(closed[0],), thorough=True))
    assert standard.open_ports == () and thorough.open_ports == (unusual,)
    summary = next(f for f in thorough.findings if f.id == "open-ports")
    assert f"TCP connect to 31 ports: open {unusual}; closed 30" in summary.evidence


def test_a_silent_port_does_not_hold_up_the_ports_after_it() -> None:
    """One slot: the silent port's wait ends by its own deadline; the rest follow at once."""
    closed = _closed_ports(20)
    with _silent_port() as silent:
        started = time.monotonic()
        states = asyncio.run(sweep("127.0.0.1", (silent, *closed), _gate(slots=2), 2, 0.3, 0.3,
                                   {}))
        elapsed = time.monotonic() - started
    assert states[silent] is PortState.FILTERED
    assert {states[p] for p in closed} == {PortState.CLOSED}
    assert elapsed < within(0.8)  # two passes of 0.3 s for the silent port, not one per port


def test_alternative_ports_get_their_probe_unless_the_device_said_otherwise() -> None:
    from core.checks.probes import plan
    from core.models import MdnsService

    advertised = MdnsService(type="_https._tcp.local.", name="admin", port=8888)
    device = Device(mac="02:00:00:00:00:01", ips=("192.0.2.1",), services=(advertised,))
    kinds = plan(device, (2222, 2323, 5901, 8181, 8888, 9999))
    assert kinds == {2222: "ssh", 2323: "telnet", 5901: "vnc", 8181: "http", 8888: "https"}


def test_a_thorough_scan_stops_at_cancel_and_leaves_no_socket_open(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from core.cancel import CancelToken

    with _silent_port() as silent, _listeners(1) as (opened,):
        monkeypatch.setattr(top_ports, "bundled", lambda: (opened, silent))
        device = Device(mac="02:00:00:00:00:01", ips=("127.0.0.1",))
        options = CheckOptions(ports=(), thorough=True, thorough_timeout=30.0,
                               connect_timeout=30.0, silent_timeout=30.0)
        cancel = CancelToken()
        before = _open_fds()
        timer = threading.Timer(0.3, cancel.cancel)
        timer.start()
        started = time.monotonic()
        run_checks([device], options, cancel)
        elapsed = time.monotonic() - started
        timer.join()
        assert _open_fds() == before
    assert elapsed < within(0.8)
