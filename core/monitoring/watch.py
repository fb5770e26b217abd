"""The watch loop: a light re-scan every interval, full checks now and then, events to feeds."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from core.assessment import assess_site
from core.cancel import CancelToken
from core.checks import CheckOptions
from core.discovery import ScanRequest
from core.errors import KnownError
from core.models import Device, ScanResult, Severity, Site
from core.monitoring import power
from core.monitoring.ecs import Observer, to_json_line
from core.monitoring.events import (
    Event,
    EventKind,
    device_of,
    events_from_changes,
    finding_of,
    now_iso,
)
from core.monitoring.feeds import Feed
from core.monitoring.state import state_events
from core.monitoring.syslog import DeliveryStatus
from core.presence import load_settings, monitoring_dir, outside_hours_findings
from core.scan import run_scan
from core.store import Changes, FindingStatus, Store

log = logging.getLogger(__name__)
ScanFunction = Callable[[ScanRequest, CheckOptions | None, CancelToken], ScanResult]
DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class WatchConfig:
    """What to watch and how often. Intervals are in seconds."""

    site: str
    interface: str
    network: str | None = None
    mode: str = "auto"
    interval: float = 300.0
    max_interval: float = 3600.0  # back-off cap (a scan overran or the machine is on battery)
    cycles: int | None = None  # stop after this many scans (None: until stopped)
    scan_timeout: float = 4.0
    full_every: float = DAY  # seconds between scans with the exposure checks; 0: never
    full_every_cycles: int = 0  # >0: full checks every N cycles instead of by time
    inventory: bool = True  # the inventory and open findings (state) after each scan
    mind_battery: bool = True
    flush_budget: float = 10.0  # seconds a feed may spend delivering per cycle


@dataclass(frozen=True, slots=True)
class CycleReport:
    """One cycle of the loop, as it went."""

    cycle: int
    started: str
    full: bool
    duration: float  # seconds the scan took
    scan_id: int | None = None
    device_count: int = 0
    cancelled: bool = False
    error: str = ""
    events: tuple[Event, ...] = ()
    next_interval: float = 0.0
    on_battery: bool = False

    @property
    def alerts(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.is_alert)


@dataclass(frozen=True, slots=True)
class WatchState:
    """A snapshot for a tray icon or a status line."""

    running: bool = False
    paused: bool = False
    scanning: bool = False
    cycle: int = 0
    interval: float = 0.0
    next_scan_in: float | None = None  # seconds; None while scanning, paused or stopped
    last: CycleReport | None = None
    delivery: tuple[DeliveryStatus, ...] = field(default_factory=tuple)


class Watcher:
    """Runs the watch loop for one site; `run` blocks, the other methods are thread-safe.

    A GUI runs `run()` in a worker thread and calls `pause`, `resume`, `scan_now` and `stop`
    from its own; `subscribe` callbacks receive every Event (in the worker thread). One `run`
    per Watcher: after `stop`, make a new one to watch again.
    """

    def __init__(self, store: Store, config: WatchConfig, feeds: Sequence[Feed] = (), *,
                 observer: Observer | None = None, scan: ScanFunction | None = None,
                 on_battery: Callable[[], bool] = power.on_battery,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
                 settings_dir: Path | None = None) -> None:
        self.store = store
        self.config = config
        self.feeds = list(feeds)
        self.observer = observer or Observer.here(config.interface)
        self._scan = scan or run_scan
        self._on_battery = on_battery
        self._clock = clock
        self.settings_dir = settings_dir or monitoring_dir(store.path)
        self._listeners: list[Callable[[Event], None]] = []
        self._lock = threading.Lock()
        self._scan_lock = threading.Lock()  # never two scans at once
        self._wake = threading.Event()
        self._stopping = False
        self._paused = False
        self._scan_requested: bool | None = None  # None, or "full?" of a requested scan
        self._cancel = CancelToken()
        self._interval = config.interval
        self._next_at: float | None = None
        self._state = WatchState(interval=config.interval)
        self._accepted: set[tuple[str, str]] | None = None
        self._off_hours_alerted: set[str] = set()
        self._last_full: float | None = None

    # -- control (any thread) ---------------------------------------------------------------
    def subscribe(self, callback: Callable[[Event], None]) -> None:
        """Call `callback(event)` for every event (alerts: `event.is_alert`)."""
        self._listeners.append(callback)

    def stop(self) -> None:
        """Cancel the current scan (what it found is still saved), flush, end `run`."""
        with self._lock:
            self._stopping = True
        self._cancel.cancel()
        self._wake.set()

    def pause(self) -> None:
        with self._lock:
            self._paused = True
        self._wake.set()

    def resume(self) -> None:
        with self._lock:
            self._paused = False
        self._wake.set()

    def scan_now(self, full: bool = False) -> None:
        """Start a scan as soon as none is running (also while paused)."""
        with self._lock:
            self._scan_requested = bool(full or self._scan_requested)
        self._wake.set()

    def state(self) -> WatchState:
        with self._lock:
            state = self._state
            next_in = (None if self._next_at is None or self._paused
                       else max(0.0, self._next_at - time.monotonic()))
            state = replace(state, paused=self._paused, next_scan_in=next_in)
        statuses = []
        for feed in self.feeds:
            status = getattr(feed, "status", None)
            if callable(status):
                statuses.append(status())
        return replace(state, delivery=tuple(statuses))

    @property
    def stopping(self) -> bool:
        with self._lock:
            return self._stopping

    # -- the loop -----------------------------------------------------------------------------
    def run(self) -> list[CycleReport]:
        """Scan every interval until stopped (or `cycles` done); returns each cycle's report."""
        site = self.store.site_by_name(self.config.site)
        reports: list[CycleReport] = []
        with self._site_lock(site), self._running():
            cycle = 0
            while not self.stopping:
                if self.config.cycles is not None and cycle >= self.config.cycles:
                    break
                requested = self._take_request()
                if self._paused and requested is None:
                    self._wait(None)
                    continue
                cycle += 1
                started = time.monotonic()
                report = self.run_cycle(site, cycle, force_full=bool(requested))
                reports.append(report)
                if self.stopping or (self.config.cycles is not None
                                     and cycle >= self.config.cycles):
                    break
                wait = max(0.0, report.next_interval - (time.monotonic() - started))
                self._wait(wait)
        self._flush()
        return reports

    def run_cycle(self, site: Site, cycle: int, force_full: bool = False) -> CycleReport:
        """One scan, saved, compared, reported to the feeds; never raises for scan problems."""
        with self._scan_lock:
            with self._lock:
                self._cancel = CancelToken()
                if self._stopping:
                    self._cancel.cancel()
                self._next_at = None
                self._state = replace(self._state, scanning=True, cycle=cycle)
            try:
                return self._cycle(site, cycle, force_full)
            finally:
                with self._lock:
                    self._state = replace(self._state, scanning=False)

    def _cycle(self, site: Site, cycle: int, force_full: bool) -> CycleReport:
        full = force_full or self._full_due(site, cycle)
        started_at = now_iso()
        self._emit([self._event(site, EventKind.SCAN_STARTED,
                                f"{'Full' if full else 'Light'} scan {cycle} of {site.name} "
                                f"started on {self.config.interface}.")])
        t0 = time.monotonic()
        request = ScanRequest(interface=self.config.interface, network=self.config.network,
                              mode=self.config.mode, timeout=self.config.scan_timeout)
        battery = self.config.mind_battery and self._on_battery()
        try:
            result = self._scan(request, CheckOptions() if full else None, self._cancel)
            duration = time.monotonic() - t0
            scan_id = self.store.save_scan(site.id, result)
        except Exception as error:  # a scan that cannot run or be saved must not end the watch
            return self._failed(site, cycle, started_at, full, time.monotonic() - t0, battery,
                                error)
        if full and not result.cancelled and result.info.checks_run:
            self._last_full = time.monotonic()
        events = self._change_events(site, scan_id, result, full)
        summary = self.store.scan(scan_id)
        finished = self._event(site, EventKind.SCAN_FINISHED,
                               f"Scan {cycle} of {site.name}: {summary.device_count} devices, "
                               f"{sum(e.is_alert for e in events)} alerts, {duration:.1f} s"
                               + (" (cancelled)" if result.cancelled else ""),
                               scan_id=scan_id, count=summary.device_count)
        state = self._state_events(site, scan_id, summary.finished or summary.started)
        self._emit([*events, finished, *state])
        self._flush()
        interval = self._next_interval(duration, battery)
        return self._report(CycleReport(
            cycle, started_at, full, duration, scan_id=scan_id,
            device_count=summary.device_count, cancelled=result.cancelled,
            events=tuple(events), next_interval=interval, on_battery=battery))

    # -- pieces -------------------------------------------------------------------------------
    def _failed(self, site: Site, cycle: int, started_at: str, full: bool, duration: float,
                battery: bool, error: Exception) -> CycleReport:
        if not isinstance(error, KnownError):
            log.exception("watch scan %d failed", cycle, exc_info=error)
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        failed = self._event(site, EventKind.SCAN_FAILED, f"Scan {cycle} failed: {message}",
                             severity=Severity.MEDIUM)
        self._emit([failed])
        self._flush()
        interval = self._next_interval(duration, battery, failed=True)
        return self._report(CycleReport(cycle, started_at, full, duration, error=message,
                                        events=(failed,), next_interval=interval,
                                        on_battery=battery))

    def _full_due(self, site: Site, cycle: int) -> bool:
        config = self.config
        if config.full_every_cycles > 0:
            return (cycle - 1) % config.full_every_cycles == 0
        if config.full_every <= 0:
            return False
        if self._last_full is not None:
            return time.monotonic() - self._last_full >= config.full_every
        last = next((s for s in self.store.scans(site.id) if s.checks_run and not s.cancelled),
                    None)
        if last is None:
            return True
        try:
            when = dt.datetime.fromisoformat(last.started.replace("Z", "+00:00"))
        except ValueError:
            return True
        return (self._clock() - when).total_seconds() >= config.full_every

    def _change_events(self, site: Site, scan_id: int, result: ScanResult,
                       full: bool) -> list[Event]:
        changes = self.store.changes(site.id, new_scan_id=scan_id)
        devices: dict[str, Device] = {}
        previous: dict[str, Device] = {}
        if changes.old_scan_id is not None:
            previous = {d.mac.lower(): d for d in self.store.scan_devices(changes.old_scan_id)}
            devices.update(previous)
        current = {d.mac.lower(): d for d in self.store.scan_devices(scan_id)}
        devices.update(current)
        checked: Changes | None = None
        if full and result.info.checks_run and not result.cancelled:
            before = next((s for s in self.store.scans(site.id)
                           if s.id != scan_id and s.checks_run and not s.cancelled), None)
            checked = (self.store.changes(site.id, before.id, scan_id) if before
                       else Changes(site_id=site.id, old_scan_id=None, new_scan_id=scan_id))
        summary = self.store.scan(scan_id)
        events = events_from_changes(site.name, changes, summary, devices, client=site.client,
                                     checked_changes=checked)
        events += self._gateway_events(site, scan_id, previous, current, summary.finished)
        events += self._accepted_events(site, scan_id, current)
        events += self._off_hours_events(site, scan_id, current)
        return events

    def _gateway_events(self, site: Site, scan_id: int, previous: dict[str, Device],
                        current: dict[str, Device], at: str) -> list[Event]:
        gateway = default_gateway(self.config.interface)
        if not gateway or not previous:
            return []
        before = [m for m, d in previous.items() if gateway in d.ips]
        after = [m for m, d in current.items() if gateway in d.ips]
        if not before or not after or set(after) <= set(before):
            return []
        device = device_of(current[after[0]])
        return [self._event(site, EventKind.GATEWAY_MAC_CHANGED,
                            f"The gateway {gateway} now answers from {', '.join(after)} "
                            f"(was {', '.join(before)}): check for ARP spoofing or a replaced "
                            "router.", scan_id=scan_id, device=device, old=", ".join(before),
                            new=", ".join(after), severity=Severity.HIGH, timestamp=at)]

    def _accepted_events(self, site: Site, scan_id: int,
                         current: dict[str, Device]) -> list[Event]:
        accepted = self.store.findings(site.id, status=FindingStatus.ACCEPTED)
        keys = {(r.mac, f"{r.finding.id}@{r.finding.port}") for r in accepted}
        known, self._accepted = self._accepted, keys
        if known is None:
            return []  # the first cycle learns what was already accepted
        events = []
        for record in accepted:
            if (record.mac, f"{record.finding.id}@{record.finding.port}") in known:
                continue
            seen = current.get(record.mac)
            device = device_of(seen) if seen else None
            events.append(self._event(
                site, EventKind.FINDING_ACCEPTED,
                f"Risk accepted on {device.name if device else record.mac}: "
                f"{record.finding.title} ({record.who or 'someone'}: {record.reason})",
                scan_id=scan_id, device=device,
                finding=finding_of(record.finding, FindingStatus.ACCEPTED.value)))
        return events

    def _off_hours_events(self, site: Site, scan_id: int,
                          current: dict[str, Device]) -> list[Event]:
        try:
            hours = load_settings(self.settings_dir, site.id).business_hours
        except KnownError as error:
            log.warning("%s", error.message)
            return []
        if hours is None:
            return []
        now = self._clock()
        if hours.is_open(now):
            self._off_hours_alerted.clear()  # a new off-hours window alerts afresh
            return []
        events = []
        for device, finding in outside_hours_findings(current.values(), hours, now):
            if device.mac in self._off_hours_alerted:
                continue
            self._off_hours_alerted.add(device.mac)
            info = device_of(device)
            events.append(self._event(site, EventKind.ON_OUTSIDE_HOURS,
                                      f"{info.name} ({info.ip or info.mac}) is on outside "
                                      f"business hours. {finding.evidence}", scan_id=scan_id,
                                      device=info, finding=finding_of(finding),
                                      severity=finding.severity))
        return events

    def _state_events(self, site: Site, scan_id: int, at: str) -> list[Event]:
        if not self.config.inventory:
            return []
        try:
            assessment = assess_site(self.store, site.id)
        except KnownError as error:
            log.warning("no inventory after scan %d: %s", scan_id, error.message)
            return []
        return state_events(assessment, at, scan_id)

    def _next_interval(self, duration: float, battery: bool, failed: bool = False) -> float:
        base, cap = self.config.interval, max(self.config.interval, self.config.max_interval)
        slow = duration > base or battery or failed
        self._interval = min(self._interval * 2, cap) if slow else base
        with self._lock:
            self._state = replace(self._state, interval=self._interval)
        return self._interval

    def _event(self, site: Site, kind: EventKind, message: str, **values: Any) -> Event:
        values.setdefault("timestamp", now_iso())
        if not values["timestamp"]:
            values["timestamp"] = now_iso()
        return Event(kind=kind, site=site.name, client=site.client, message=message, **values)

    def _emit(self, events: Sequence[Event]) -> None:
        lines = [to_json_line(e, self.observer) for e in events]
        for feed in self.feeds:
            try:
                feed.submit(lines)
            except OSError as error:  # a full disk must not end the watch
                log.error("feed %s could not take %d events: %s", feed.name, len(lines), error)
        for event in events:
            for listener in list(self._listeners):
                try:
                    listener(event)
                except Exception:
                    log.exception("event listener failed")

    def _flush(self) -> None:
        for feed in self.feeds:
            try:
                feed.flush()
            except OSError as error:
                log.error("feed %s could not deliver: %s", feed.name, error)

    def _report(self, report: CycleReport) -> CycleReport:
        with self._lock:
            self._state = replace(self._state, last=report, interval=report.next_interval)
            self._next_at = time.monotonic() + report.next_interval
        return report

    def _take_request(self) -> bool | None:
        with self._lock:
            requested, self._scan_requested = self._scan_requested, None
            self._wake.clear()
        return requested

    def _wait(self, seconds: float | None) -> None:
        """Sleep until the next scan is due, or a stop, resume or scan-now wakes the loop."""
        self._wake.wait(seconds)

    @contextlib.contextmanager
    def _running(self) -> Iterator[None]:
        with self._lock:
            self._state = replace(self._state, running=True)
        try:
            yield
        finally:
            with self._lock:
                self._state = replace(self._state, running=False, scanning=False)
                self._next_at = None

    @contextlib.contextmanager
    def _site_lock(self, site: Site) -> Iterator[None]:
        """One watch per site and database at a time (an advisory file lock)."""
        path = self.settings_dir / f"site-{site.id}.watch.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        handle: IO[str] = open(path, "w", encoding="utf-8")  # noqa: SIM115
        try:
            try:
                import fcntl
            except ImportError:  # Windows: no advisory locks here
                fcntl = None  # type: ignore[assignment]
            if fcntl is not None:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as error:
                    raise KnownError(f"Site {site.name!r} is already being watched.",
                                     "Stop the other watch first.") from error
            yield
        finally:
            handle.close()


def default_gateway(interface: str, route_file: Path = Path("/proc/net/route")) -> str:
    """The IPv4 default gateway through `interface` from /proc/net/route ("" if none)."""
    try:
        lines = route_file.read_text(encoding="ascii").splitlines()[1:]
    except OSError:
        return ""
    for line in lines:
        parts = line.split()
        if len(parts) >= 3 and parts[0] == interface and parts[1] == "00000000":
            raw = int(parts[2], 16)
            if raw:
                return ".".join(str((raw >> s) & 0xFF) for s in (0, 8, 16, 24))
    return ""
