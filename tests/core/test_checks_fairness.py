"""Fair checks: a slot wait is not a device's silence, and hosts that drop everything are quick."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Iterator

from core.checks import CheckOptions, run_checks
from core.checks.budget import BudgetClock
from core.models import Device, MdnsService
from tests.core.test_checks_runner import _silent, _with_servers
from tests.timing import within


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_budget_clock_stops_while_only_waiting_for_a_shared_slot() -> None:
    async def main() -> tuple[float, float]:
        fake = _Clock()
        clock = BudgetClock(5.0, now=fake)
        shared = asyncio.Semaphore(0)
        waiter = asyncio.create_task(_hold(clock, shared, fake))
        await asyncio.sleep(0)
        fake.now = 3.0  # queued behind other devices: not counted
        queued = clock.used()
        shared.release()
        await waiter  # holds its slot for 2 s: counted
        return queued, clock.used()

    queued, used = asyncio.run(main())
    assert queued == 0.0 and used == 2.0


async def _hold(clock: BudgetClock, shared: asyncio.Semaphore, fake: _Clock) -> None:
    async with clock.queued(shared):
        fake.now += 2.0


@contextlib.contextmanager
def _dropping_ports(count: int) -> Iterator[list[int]]:
    """Loopback listeners whose accept queue is full: further SYNs are dropped, like a firewall."""
    listeners, fillers = [], []
    try:
        for _ in range(count):
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen(0)
            listeners.append(listener)
            for _ in range(3):
                filler = socket.socket()
                filler.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    filler.connect(listener.getsockname())
                fillers.append(filler)
        time.sleep(0.1)
        yield [int(s.getsockname()[1]) for s in listeners]
    finally:
        for sock in fillers + listeners:
            sock.close()


def test_a_host_that_drops_everything_is_detected_by_one_quick_probe() -> None:
    with _dropping_ports(4) as dropped:
        services = tuple(MdnsService(type="_x._tcp.local.", name=f"s{p}", port=p)
                         for p in dropped)
        devices = [Device(mac=f"02:00:00:00:01:{n:02x}", ips=("127.0.0.1",), services=services)
                   for n in range(10)]
        options = CheckOptions(ports=(), connect_timeout=3.0, silent_timeout=0.2,
                               max_connections=16)
        started = time.monotonic()
        checked = run_checks(devices, options)
        elapsed = time.monotonic() - started
    for device in checked:
        ids = {f.id for f in device.findings}
        assert "host-drops-connections" in ids and "checks-unfinished" not in ids, ids
        assert device.open_ports == ()
    # 40 connects of 0.2 s through 16 slots, never the 3 s connect timeout per port
    assert elapsed < within(1.2)


def test_waiting_behind_other_devices_does_not_use_a_device_budget() -> None:
    def work(ports: dict[str, int]) -> tuple[Device, ...]:
        service = MdnsService(type="_rfb._tcp.local.", name="screen", port=ports["silent"])
        devices = [Device(mac=f"02:00:00:00:02:{n:02x}", ips=("127.0.0.1",),
                          services=(service,)) for n in range(6)]
        # each device needs ~0.5 s of its own (a silent VNC peer), only 2 run at once:
        # the last ones wait ~1 s for a slot, more than their 1 s budget minus their own work
        options = CheckOptions(ports=(), read_timeout=0.5, device_budget=1.0, max_connections=2)
        return run_checks(devices, options)

    checked = _with_servers({"silent": _silent}, work)
    for device in checked:
        ids = {f.id for f in device.findings}
        assert "vnc-open" in ids and "checks-unfinished" not in ids, ids


def test_a_budget_hit_during_the_port_scan_keeps_the_ports_already_open() -> None:
    def work(ports: dict[str, int]) -> tuple[Device, ...]:
        with _dropping_ports(1) as (dropped,):
            service = MdnsService(type="_telnet._tcp.local.", name="console", port=ports["silent"])
            device = Device(mac="02:00:00:00:03:01", ips=("127.0.0.1",), services=(service,))
            options = CheckOptions(ports=(dropped,), connect_timeout=3.0, device_budget=0.5,
                                   silent_timeout=0.2)
            return run_checks([device], options)

    (checked,) = _with_servers({"silent": _silent}, work)
    ids = [f.id for f in checked.findings]
    assert "checks-unfinished" in ids and "telnet-open" in ids, ids
    note = next(f for f in checked.findings if f.id == "checks-unfinished")
    assert "during the port scan" in note.evidence
