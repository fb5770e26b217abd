"""Runs every check on every device: bounded concurrency, a time budget per device, cancellable."""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace

from core.cancel import CancelToken
from core.checks import advertised, consented, ports, probes
from core.checks.budget import BudgetClock
from core.checks.catalog import finding
from core.checks.net import Gate
from core.checks.options import CheckOptions
from core.checks.sweep import sweep, sweep_pass
from core.datafiles import top_ports
from core.fingerprints.exposure import kev_findings
from core.fingerprints.identify import fingerprint
from core.models import Device, Finding, Progress, ScanPhase

log = logging.getLogger(__name__)
CANCEL_POLL = 0.05
QUICK_SHARE = 2  # quick first probes may hold twice max_connections sockets (SYNs, no data)
THOROUGH_QUICK = 24  # a thorough scan's quick first probe also tries this many top ports
FD_RESERVE = 128  # file descriptors left for everything else (zeroconf, database, window)


def socket_allowance(wanted: int) -> int:
    """How many sockets the checks may hold at once: `wanted`, raising the soft open-files
    limit when the system allows, else what fits under it (never an EMFILE taken for silence)."""
    try:
        import resource
    except ImportError:  # Windows: no such limit for sockets
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + FD_RESERVE
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(8, min(wanted, soft - FD_RESERVE))


@dataclass
class DeviceRun:
    """What one device's checks found so far (kept when its time budget runs out)."""

    open_ports: tuple[int, ...] = ()
    findings: list[Finding] = field(default_factory=list)
    pending: dict[int, str] = field(default_factory=dict)  # port -> probe kind not finished
    stage: str = "port scan"
    states: dict[int, ports.PortState] = field(default_factory=dict)  # as they become known
    seen: probes.Observations = field(default_factory=probes.Observations)


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
    sweeping = options.thorough_connections if options.thorough else 0
    sockets = socket_allowance(options.max_connections * (1 + QUICK_SHARE) + sweeping)
    real = max(1, min(options.max_connections, sockets // (1 + QUICK_SHARE)))
    overall = asyncio.Semaphore(real)
    quick = asyncio.Semaphore(max(1, min(sockets - real, real * QUICK_SHARE)))
    sweep_slots = asyncio.Semaphore(max(1, min(sweeping, sockets - real * (1 + QUICK_SHARE))))
    results = list(devices)
    finished = 0

    async def one(index: int, device: Device) -> None:
        nonlocal finished
        results[index] = await check_device(device, options, overall, quick, sweep_slots)
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
    for outcome in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(outcome, Exception):  # a bug: the device keeps what discovery said
            log.error("checks of a device failed", exc_info=outcome)
    return results


async def check_device(device: Device, options: CheckOptions,
                       overall: asyncio.Semaphore,
                       quick: asyncio.Semaphore | None = None,
                       sweep_slots: asyncio.Semaphore | None = None) -> Device:
    """One device's checks within its time budget; what was found in time is kept.

    The budget counts only time the device is served: waiting for a shared connection slot
    behind other devices does not use it up.
    """
    if not device.ip or device.is_self:
        return device
    run = DeviceRun()
    budget = options.thorough_budget if options.thorough else options.device_budget
    clock = BudgetClock(budget)
    gate = Gate(overall, asyncio.Semaphore(options.per_device_connections),
                options.connect_timeout, options.read_timeout, clock=clock)
    gates = Gates(gate, replace(gate, overall=quick or overall), replace(
        gate, overall=sweep_slots or overall,
        device=asyncio.Semaphore(options.thorough_per_device)))
    work = asyncio.create_task(_run_all(device, options, run, gates))
    try:
        finished = await _within_budget(work, clock)
    finally:
        if not work.done():
            work.cancel()
            await asyncio.gather(work, return_exceptions=True)
    if not finished:
        run.findings += budget_hit(run, budget, device)
    prints = fingerprint(device, run.seen.texts)
    found = _ordered(run.findings + kev_findings(prints))
    log.debug("checked %s: %d open ports, %d findings", device.ip, len(run.open_ports), len(found))
    return replace(device, open_ports=run.open_ports, findings=(*device.findings, *found),
                   fingerprints=prints)


async def _within_budget(work: asyncio.Task[None], clock: BudgetClock) -> bool:
    """Wait for `work` while the clock has budget left; False when the budget ran out."""
    while True:
        remaining = clock.remaining()
        if remaining <= 0:
            return False
        done, _ = await asyncio.wait({work}, timeout=max(remaining, 0.01))
        if done:
            work.result()  # a bug in a probe is raised, not hidden
            return True


def budget_hit(run: DeviceRun, budget: float, device: Device) -> list[Finding]:
    """Why the device's checks stopped, plus what needs no answer for the unfinished probes."""
    unfinished = ", ".join(f"{kind} on {port}" for port, kind in sorted(run.pending.items()))
    evidence = f"device budget {budget:g} s hit during the {run.stage}"
    if unfinished:
        evidence += f"; not finished: {unfinished}"
    found = [finding("checks-unfinished", evidence + "; results so far are kept")]
    if run.stage == "port scan":  # ports already seen open, and advertisements, still count
        run.open_ports = tuple(p for p, s in sorted(run.states.items())
                               if s is ports.PortState.OPEN)
        found += advertised.check_advertised(device)
        found += advertised.check_bare_ports(run.open_ports)
        run.pending = probes.plan(device, run.open_ports)
    for port, kind in sorted(run.pending.items()):
        found += fallback(kind, port, run.open_ports, f"device budget {budget:g} s hit")
    run.pending.clear()
    return found


@dataclass(frozen=True)
class Gates:
    """A device's connection limits: service probes, the quick first probe, the thorough sweep."""

    probes: Gate
    quick: Gate
    sweep: Gate


async def _run_all(device: Device, options: CheckOptions, run: DeviceRun,
                   gates: Gates) -> None:
    gate = gates.probes
    wanted = ports.ports_for(device, options.ports)
    if options.thorough:  # most frequent first, then the curated and advertised ones
        wanted = tuple(dict.fromkeys((*top_ports.bundled(), *wanted)))
    states = await _scan(device, wanted, options, run, gates)
    if states is None:
        return
    run.open_ports = tuple(p for p, s in sorted(states.items()) if s is ports.PortState.OPEN)
    run.findings.append(finding("open-ports", ports.summary(states, options.connect_timeout)))
    run.findings += advertised.check_advertised(device)
    run.findings += advertised.check_bare_ports(run.open_ports)
    seen = run.seen
    seen.kinds = probes.plan(device, run.open_ports)
    run.pending = dict(seen.kinds)
    run.stage = "service checks"
    held = gate.holding()
    limit = options.connect_timeout + 2 * options.read_timeout + 1.0
    await asyncio.gather(_snmp_agent(device.ip, options.read_timeout, run), *(
        _bounded(probes.probe_for(kind, device.ip, port, held, run.open_ports, seen),
                 kind, port, limit, run, gate)
        for port, kind in sorted(seen.kinds.items())))
    run.stage = "password checks"
    run.findings += await consented.run_consented(device, options, gate, seen)


async def _scan(device: Device, wanted: tuple[int, ...], options: CheckOptions,
                run: DeviceRun, gates: Gates) -> dict[int, ports.PortState] | None:
    """Port states; None (with a finding) for a host that drops every connection attempt.

    The quick first probe has its own shared slots, so a crowd of silent hosts never delays
    the real probes of the devices that answer.
    """
    quick = ports.quick_ports(device, wanted)
    if options.thorough:  # more ports, in the sweep's larger pool: a crowd costs ~one round
        quick = tuple(sorted({*quick, *wanted[:THOROUGH_QUICK]}))
        await sweep_pass(device.ip, quick, gates.sweep, options.thorough_per_device,
                         options.silent_timeout, run.states)
        states = {port: run.states[port] for port in quick}
    else:
        states = await ports.scan_ports(device.ip, quick, gates.quick, options.silent_timeout,
                                        run.states) if quick else {}
    if ports.all_silent(states):
        run.findings += advertised.check_advertised(device)
        run.findings.append(finding("host-drops-connections", silent_evidence(
            quick, len(wanted) - len(quick), options.silent_timeout)))
        return None
    rest = tuple(p for p in wanted if p not in states)
    if options.thorough:
        return {**states, **await sweep(device.ip, rest, gates.sweep, options.thorough_per_device,
                                        options.thorough_timeout, options.connect_timeout,
                                        run.states)}
    return {**states, **await ports.scan_ports(device.ip, rest, gates.probes, into=run.states)}


def silent_evidence(tried: tuple[int, ...], skipped: int, timeout: float) -> str:
    listed = ", ".join(str(p) for p in tried)
    return (f"answers ARP but TCP {listed} neither accepted nor refused a connection in "
            f"{timeout:g} s (a firewall drops them); the other {skipped} ports were not tried")


async def _snmp_agent(ip: str, timeout: float, run: DeviceRun) -> None:
    """Ask for an SNMP agent (UDP, no credential) on devices that showed an open TCP port."""
    if run.open_ports:
        run.findings += await probes.check_snmp(ip, timeout)


async def _bounded(factory: Callable[[], Awaitable[list[Finding]]], kind: str, port: int,
                   limit: float, run: DeviceRun, gate: Gate) -> None:
    """Run one probe within `limit` seconds of holding its slot (the wait for the slot is not
    counted); its findings (or why it stopped) go into `run`."""
    async with gate.slot():
        try:
            found = await asyncio.wait_for(factory(), limit)
        except TimeoutError:
            found = fallback(kind, port, run.open_ports, f"no complete answer in {limit:g} s")
            found.append(finding("probe-no-answer", f"{kind} check on port {port}: no "
                                 f"complete answer in {limit:g} s", port))
        except (OSError, ValueError, UnicodeError, IndexError, ssl.SSLError) as exc:
            found = fallback(kind, port, run.open_ports, f"unexpected answer "
                             f"({type(exc).__name__})")
            found.append(finding("probe-no-answer", f"{kind} check on port {port}: "
                                 f"unexpected answer ({type(exc).__name__})", port))
    run.findings += found
    run.pending.pop(port, None)


def fallback(kind: str, port: int, open_ports: tuple[int, ...], why: str) -> list[Finding]:
    """Findings an open port proves by accepting a connection, for a probe that did not finish."""
    accepted = f"TCP {port} accepted a connection; the {kind} check did not finish ({why})"
    if kind == "telnet":
        return [finding("telnet-open", accepted, port)]
    if kind == "vnc":
        return [finding("vnc-open", accepted, port)]
    if kind == "rtsp":
        return [finding("rtsp-open", accepted, port)]
    if kind == "lpd":
        return [finding("lpd-open", accepted, port)]
    if kind == "mqtt" and 8883 not in open_ports:
        return [finding("mqtt-cleartext", f"TCP {port} (MQTT) open and TCP 8883 (MQTT over "
                        "TLS) not open", port)]
    return []


def _ordered(found: list[Finding]) -> list[Finding]:
    """Worst first, one finding per (id, port, evidence)."""
    unique = {(f.id, f.port, f.evidence): f for f in reversed(found)}
    return sorted(unique.values(), key=lambda f: (-f.severity.rank, f.id, f.port or 0))
