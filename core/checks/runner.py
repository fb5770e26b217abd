"""Runs every check on every device: bounded concurrency, a time budget per device, cancellable."""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace

from core.cancel import CancelToken
from core.checks import advertised, consented, ports, probes
from core.checks.catalog import finding
from core.checks.net import Gate
from core.checks.options import CheckOptions
from core.models import Device, Finding, Progress, ScanPhase

log = logging.getLogger(__name__)
CANCEL_POLL = 0.05


@dataclass
class DeviceRun:
    """What one device's checks found so far (kept when its time budget runs out)."""

    open_ports: tuple[int, ...] = ()
    findings: list[Finding] = field(default_factory=list)


def run_checks(devices: Sequence[Device], options: CheckOptions,
               cancel: CancelToken | None = None,
               on_progress: Callable[[Progress], None] | None = None,
               on_device: Callable[[Device], None] | None = None) -> tuple[Device, ...]:
    """Every device with open_ports and findings filled; unchecked ones unchanged if cancelled."""
    if not devices:
        return ()
    return tuple(asyncio.run(_check_all(list(devices), options, cancel or CancelToken(),
                                        on_progress, on_device)))


async def _check_all(devices: list[Device], options: CheckOptions, cancel: CancelToken,
                     on_progress: Callable[[Progress], None] | None,
                     on_device: Callable[[Device], None] | None) -> list[Device]:
    overall = asyncio.Semaphore(options.max_connections)
    results = list(devices)
    finished = 0

    async def one(index: int, device: Device) -> None:
        nonlocal finished
        results[index] = await check_device(device, options, overall)
        finished += 1
        if on_progress:
            on_progress(Progress(ScanPhase.CHECKS, finished / len(devices),
                                 f"Checked {results[index].label}"))
        if on_device:
            on_device(results[index])

    tasks = [asyncio.create_task(one(i, d)) for i, d in enumerate(devices)]
    pending = set(tasks)
    while pending and not cancel.cancelled:
        _, pending = await asyncio.wait(pending, timeout=CANCEL_POLL)
    for task in pending:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return results


async def check_device(device: Device, options: CheckOptions,
                       overall: asyncio.Semaphore) -> Device:
    """One device's checks within its time budget; what was found in time is kept."""
    if not device.ip or device.is_self:
        return device
    run = DeviceRun()
    gate = Gate(overall, asyncio.Semaphore(options.per_device_connections),
                options.connect_timeout, options.read_timeout)
    try:
        async with asyncio.timeout(options.device_budget):
            await _run_all(device, options, gate, run)
    except TimeoutError:
        budget = f"{options.device_budget:g} s"
        run.findings.append(finding("checks-incomplete", f"stopped after the {budget} budget "
                                    "for one device; results so far are kept"))
    found = _ordered(run.findings)
    log.debug("checked %s: %d open ports, %d findings", device.ip, len(run.open_ports), len(found))
    return replace(device, open_ports=run.open_ports, findings=(*device.findings, *found))


async def _run_all(device: Device, options: CheckOptions, gate: Gate, run: DeviceRun) -> None:
    states = await ports.scan_ports(device.ip, ports.ports_for(device, options.ports), gate)
    run.open_ports = tuple(p for p, s in sorted(states.items()) if s is ports.PortState.OPEN)
    run.findings.append(finding("open-ports", ports.summary(states, options.connect_timeout)))
    run.findings += advertised.check_advertised(device)
    run.findings += advertised.check_bare_ports(run.open_ports)
    seen = probes.Observations(kinds=probes.plan(device, run.open_ports))
    factories = [probes.probe_for(kind, device.ip, port, gate, run.open_ports, seen)
                 for port, kind in sorted(seen.kinds.items())]
    limit = options.connect_timeout + 2 * options.read_timeout + 1.0
    await asyncio.gather(*(_bounded(factory, kind, port, limit, run)
                           for factory, (port, kind) in zip(factories, sorted(seen.kinds.items()),
                                                            strict=True)))
    run.findings += await consented.run_consented(device, options, gate, seen)


async def _bounded(factory: Callable[[], Awaitable[list[Finding]]], kind: str, port: int,
                   limit: float, run: DeviceRun) -> None:
    """Run one probe within `limit` seconds; its findings (or why it stopped) go into `run`."""
    try:
        run.findings += await asyncio.wait_for(factory(), limit)
    except TimeoutError:
        run.findings.append(finding("probe-no-answer", f"{kind} check on port {port}: no "
                                    f"complete answer in {limit:g} s", port))
    except (OSError, ValueError, UnicodeError, IndexError, ssl.SSLError) as exc:
        run.findings.append(finding("probe-no-answer", f"{kind} check on port {port}: "
                                    f"unexpected answer ({type(exc).__name__})", port))


def _ordered(found: list[Finding]) -> list[Finding]:
    """Worst first, one finding per (id, port, evidence)."""
    unique = {(f.id, f.port, f.evidence): f for f in reversed(found)}
    return sorted(unique.values(), key=lambda f: (-f.severity.rank, f.id, f.port or 0))
