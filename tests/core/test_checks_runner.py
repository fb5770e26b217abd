"""run_checks end to end on 127.0.0.1 listeners: findings, callbacks, budget and cancellation."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from core.cancel import CancelToken
from core.checks import CheckOptions, run_checks
from core.checks.catalog import finding
from core.models import Device, MdnsService, Progress
from tests.timing import within

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _telnet(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"\xff\xfd\x18BusyBox login: ")
    await writer.drain()
    await asyncio.sleep(3)


async def _broker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readexactly(2)
    writer.write(b"\x20\x02\x00\x00")
    await writer.drain()
    await reader.read(100)


async def _silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(30)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _with_servers(handlers: dict[str, Handler], work: Callable[[dict[str, int]], Any]) -> Any:
    """Serve each handler on 127.0.0.1 while `work(ports)` runs in a worker thread."""
    async def main() -> Any:
        servers, tasks = [], []

        def spawn(handler: Handler) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter],
                                                 None]:
            def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                async def guarded() -> None:
                    try:
                        await handler(reader, writer)
                    except (ConnectionError, asyncio.IncompleteReadError):
                        pass
                    finally:
                        writer.transport.abort()
                tasks.append(asyncio.create_task(guarded()))
            return on_client

        ports = {}
        for name, handler in handlers.items():
            server = await asyncio.start_server(spawn(handler), "127.0.0.1", 0)
            servers.append(server)
            ports[name] = server.sockets[0].getsockname()[1]
        try:
            return await asyncio.to_thread(work, ports)
        finally:
            for server in servers:
                server.close()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for server in servers:
                await server.wait_closed()
    return asyncio.run(main())


def _device(ports: dict[str, int]) -> Device:
    services = tuple(MdnsService(type=f"_{kind}._tcp.local.", name=kind, port=port)
                     for kind, port in (("telnet", ports.get("telnet")),
                                        ("mqtt", ports.get("mqtt")), ("rfb", ports.get("silent")))
                     if port)
    earlier = finding("service-banner", "from discovery")
    return Device(mac="02:00:00:00:00:01", ips=("127.0.0.1",), services=services,
                  findings=(earlier,))


def test_findings_open_ports_and_callbacks() -> None:
    closed = _closed_port()
    progress: list[Progress] = []
    reported: list[Device] = []

    def work(ports: dict[str, int]) -> tuple[Device, ...]:
        options = CheckOptions(ports=(closed,), read_timeout=0.5)
        return run_checks([_device(ports)], options, on_progress=progress.append,
                          on_device=reported.append)

    handlers = {"telnet": _telnet, "mqtt": _broker, "silent": _silent}
    (checked,) = _with_servers(handlers, work)
    ids = [f.id for f in checked.findings]
    assert ids[0] == "service-banner"  # findings already on the device are kept, first
    for expected in ("telnet-open", "mqtt-anonymous", "mqtt-cleartext", "vnc-open",
                     "open-ports", "credential-checks-not-run"):
        assert expected in ids
    assert closed not in checked.open_ports and len(checked.open_ports) == 3
    vnc = next(f for f in checked.findings if f.id == "vnc-open")
    assert "0.5 s" in vnc.evidence  # the silent peer got a bounded, recorded outcome
    assert [p.fraction for p in progress] == [1.0] and reported == [checked]
    severities = [f.severity.rank for f in checked.findings[1:]]
    assert severities == sorted(severities, reverse=True)


def test_device_budget_caps_time_and_keeps_results() -> None:
    def work(ports: dict[str, int]) -> tuple[tuple[Device, ...], float]:
        started = time.monotonic()
        options = CheckOptions(ports=(), read_timeout=5.0, device_budget=0.6)
        return run_checks([_device({"silent": ports["silent"]})], options), \
            time.monotonic() - started

    (checked,), elapsed = _with_servers({"silent": _silent}, work)
    assert elapsed < within(1.5)
    ids = [f.id for f in checked.findings]
    assert checked.open_ports and "checks-unfinished" in ids
    assert "vnc-open" in ids  # an accepted connection is a finding even if the probe never ends
    note = next(f for f in checked.findings if f.id == "checks-unfinished")
    assert "device budget 0.6 s hit" in note.evidence and "vnc on" in note.evidence


def test_cancel_stops_within_half_a_second() -> None:
    cancel = CancelToken()

    def work(ports: dict[str, int]) -> tuple[tuple[Device, ...], float]:
        devices = [_device({"silent": ports["silent"]})] * 3
        options = CheckOptions(ports=(), read_timeout=10.0, device_budget=30.0)
        timer = threading.Timer(0.3, cancel.cancel)
        timer.start()
        started = time.monotonic()
        try:
            return run_checks(devices, options, cancel=cancel), time.monotonic() - started
        finally:
            timer.join()

    result, elapsed = _with_servers({"silent": _silent}, work)
    assert elapsed < within(0.3 + 0.5) and cancel.cancelled
    assert len(result) == 3  # unfinished devices come back as they were given


def test_no_devices_and_self_are_skipped() -> None:
    assert run_checks([], CheckOptions()) == ()
    me = Device(mac="02:00:00:00:00:02", ips=("127.0.0.1",), is_self=True)
    assert run_checks([me], CheckOptions()) == (me,)
