"""Watch mode in the app: per-site watch options and core's Watcher on worker threads."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from core.cancel import CancelToken
from core.checks import CheckOptions
from core.discovery import ScanRequest
from core.errors import InvalidInputError, KnownError
from core.models import ScanResult, Site
from core.monitoring import (
    BusinessHours,
    DeliveryStatus,
    Event,
    EventKind,
    Feed,
    SiteSettings,
    SyslogFeed,
    WatchConfig,
    Watcher,
    WatchState,
    load_settings,
    monitoring_dir,
    parse_target,
    read_status,
    save_settings,
    to_json_line,
)
from core.store import Store

log = logging.getLogger(__name__)
WATCH_KEY = "desktop_watch"  # our options inside the site's monitoring settings file
DEFAULT_INTERVAL_MINUTES = 15
STOP_TIMEOUT = 15.0  # seconds to wait for a watch thread after stop()
ScanFunction = Callable[[ScanRequest, CheckOptions | None, CancelToken], ScanResult]


@dataclass(frozen=True)
class WatchOptions:
    """What the Monitoring settings page holds for one site."""

    enabled: bool = False
    interval_minutes: int = DEFAULT_INTERVAL_MINUTES
    collector: str = ""  # udp://HOST:PORT or tcp://HOST:PORT; "" sends nowhere
    business_hours: BusinessHours | None = None


def load_options(folder: Path, site_id: int) -> WatchOptions:
    """The site's watch options (defaults when none were saved or the file is unreadable)."""
    try:
        settings = load_settings(folder, site_id)
    except InvalidInputError as error:
        log.warning("monitoring settings of site %s unreadable: %s", site_id, error.message)
        return WatchOptions()
    raw = settings.extra.get(WATCH_KEY)
    raw = raw if isinstance(raw, dict) else {}
    try:
        minutes = max(1, min(24 * 60, int(raw.get("interval_minutes",
                                                  DEFAULT_INTERVAL_MINUTES))))
    except (TypeError, ValueError):
        minutes = DEFAULT_INTERVAL_MINUTES
    return WatchOptions(enabled=bool(raw.get("enabled", False)), interval_minutes=minutes,
                        collector=str(raw.get("collector", "") or ""),
                        business_hours=settings.business_hours)


def save_options(folder: Path, site_id: int, options: WatchOptions) -> None:
    """Save the options beside the database, keeping whatever else the file holds."""
    try:
        current = load_settings(folder, site_id)
    except InvalidInputError:
        current = SiteSettings()
    extra = dict(current.extra)
    extra[WATCH_KEY] = {"enabled": options.enabled, "interval_minutes": options.interval_minutes,
                        "collector": options.collector}
    save_settings(folder, site_id, SiteSettings(business_hours=options.business_hours,
                                                extra=extra))


def delivery_status(folder: Path, collector: str) -> DeliveryStatus | None:
    """The last delivery status to the collector (None without a valid collector)."""
    try:
        return read_status(folder, parse_target(collector)) if collector else None
    except InvalidInputError:
        return None


def send_test_event(collector: str, site: str) -> DeliveryStatus:
    """Send one test message to the collector now (its own queue, so nothing is left behind)."""
    target = parse_target(collector)
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    event = Event(kind=EventKind.SCAN_STARTED, site=site, timestamp=stamp,
                  message=f"Test message from IoT Hygiene: events of site {site} arrive here.")
    with tempfile.TemporaryDirectory(prefix="iot-hygiene-test-") as spool:
        feed = SyslogFeed(target, Path(spool), site=site, timeout=5.0)
        feed.submit([to_json_line(event)])
        status = feed.flush()
    return status if status is not None else DeliveryStatus(target=str(target))


class WatcherLike(Protocol):
    """What the window needs of core's Watcher (tests hand in a fake)."""

    def subscribe(self, callback: Callable[[Event], None]) -> None: ...

    def run(self) -> Any: ...

    def stop(self) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def scan_now(self, full: bool = False) -> None: ...

    def state(self) -> WatchState: ...


WatcherFactory = Callable[[Store, WatchConfig, list[Feed], ScanFunction], WatcherLike]


def core_watcher(store: Store, config: WatchConfig, feeds: list[Feed],
                 scan: ScanFunction) -> WatcherLike:
    return Watcher(store, config, feeds, scan=scan)


@dataclass
class _Running:
    site: Site
    watcher: WatcherLike
    thread: threading.Thread


class WatchService(QObject):
    """Runs one Watcher per watched site, each on its own thread, and never two scans at once:
    the watchers and the window's own scan take turns through one gate.

    `make_scan(site)` gives the interface name and the scan function for a site (the window's
    scan service, so tests replay a recording and never touch a network)."""

    event_received = Signal(object)  # core.monitoring.Event, on the GUI thread
    site_scanned = Signal(int)  # a watch scan of this site ended (saved or failed)
    watch_failed = Signal(int, object)  # site id, the exception that ended its watch
    changed = Signal()  # watching started/stopped or was paused/resumed

    def __init__(self, store: Store, make_scan: Callable[[Site], tuple[str, ScanFunction]],
                 watcher_factory: WatcherFactory = core_watcher,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.folder = monitoring_dir(store.path)
        self.make_scan = make_scan
        self.watcher_factory = watcher_factory
        self.user_paused = False
        self.manual_scan = False
        self._gate = threading.Lock()
        self._running: dict[int, _Running] = {}
        self.site_scanned.connect(lambda _site_id: self.changed.emit())
        self.watch_failed.connect(self._ended)

    # -- which sites
    @property
    def active(self) -> bool:
        return bool(self._running)

    def watching(self, site_id: int) -> bool:
        return site_id in self._running

    def watched_sites(self) -> list[Site]:
        return [running.site for running in self._running.values()]

    def watcher(self, site_id: int) -> WatcherLike | None:
        running = self._running.get(site_id)
        return running.watcher if running else None

    def options(self, site_id: int) -> WatchOptions:
        return load_options(self.folder, site_id)

    def save(self, site_id: int, options: WatchOptions) -> None:
        save_options(self.folder, site_id, options)

    def start(self, site: Site) -> None:
        """Watch `site` with its saved options (restarting a running watch to apply them)."""
        self.stop(site.id)
        options = self.options(site.id)
        interface, scan = self.make_scan(site)
        interval = options.interval_minutes * 60.0
        # The inventory and open findings after each scan are for a collector; the window's
        # own table shows them (and building them reassesses the whole site every scan).
        config = WatchConfig(site=site.name, interface=interface, mode="kernel",
                             interval=interval, max_interval=max(3600.0, 4 * interval),
                             inventory=bool(options.collector))
        feeds: list[Feed] = []
        if options.collector:
            feeds.append(SyslogFeed(parse_target(options.collector), self.folder,
                                    site=site.name))
        watcher = self.watcher_factory(self.store, config, feeds, self._gated(scan))
        watcher.subscribe(functools.partial(self._on_event, site.id))
        if self.user_paused or self.manual_scan:
            watcher.pause()
        thread = threading.Thread(target=self._run, args=(site.id, watcher),
                                  name=f"watch-site-{site.id}")
        self._running[site.id] = _Running(site, watcher, thread)
        thread.start()
        log.info("watching site %s every %d min", site.id, options.interval_minutes)
        self.changed.emit()

    def stop(self, site_id: int, timeout: float = STOP_TIMEOUT) -> None:
        running = self._running.pop(site_id, None)
        if running is None:
            return
        running.watcher.stop()
        running.thread.join(timeout)
        if running.thread.is_alive():
            log.warning("the watch of site %s did not stop in %.0f s", site_id, timeout)
        self.changed.emit()

    def stop_all(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop every watch (each cancels its scan, saves what it found) and wait for them."""
        running = list(self._running.values())
        self._running.clear()
        for item in running:
            item.watcher.stop()
        for item in running:
            item.thread.join(timeout)
        if running:
            self.changed.emit()

    # -- control
    def pause_all(self) -> None:
        self.user_paused = True
        for running in self._running.values():
            running.watcher.pause()
        self.changed.emit()

    def resume_all(self) -> None:
        self.user_paused = False
        if not self.manual_scan:
            for running in self._running.values():
                running.watcher.resume()
        self.changed.emit()

    def scan_now(self) -> None:
        for running in self._running.values():
            running.watcher.scan_now()

    def begin_manual_scan(self) -> bool:
        """The window wants to scan: False while a watch scan runs; else the watches pause."""
        if not self._gate.acquire(blocking=False):
            return False
        self.manual_scan = True
        for running in self._running.values():
            running.watcher.pause()
        return True

    def end_manual_scan(self) -> None:
        if not self.manual_scan:
            return
        self.manual_scan = False
        self._gate.release()
        if not self.user_paused:
            for running in self._running.values():
                running.watcher.resume()

    @property
    def scanning(self) -> bool:
        """True while a watch scan holds the gate."""
        return self._gate.locked() and not self.manual_scan

    # -- worker side
    def _gated(self, scan: ScanFunction) -> ScanFunction:
        gate = self._gate

        def gated(request: ScanRequest, checks: CheckOptions | None,
                  cancel: CancelToken) -> ScanResult:
            while not gate.acquire(timeout=0.1):
                if cancel.cancelled:
                    raise KnownError("The watch stopped before its scan could start.")
            try:
                return scan(request, checks, cancel)
            finally:
                gate.release()

        return gated

    def _on_event(self, site_id: int, event: Event) -> None:
        self.event_received.emit(event)  # queued to the GUI thread
        if event.kind in (EventKind.SCAN_FINISHED, EventKind.SCAN_FAILED):
            self.site_scanned.emit(site_id)

    def _run(self, site_id: int, watcher: WatcherLike) -> None:
        try:
            watcher.run()
        except BaseException as exc:  # e.g. the site is already watched by `iot-hygiene watch`
            self.watch_failed.emit(site_id, exc)

    def _ended(self, site_id: int, exc: object) -> None:
        running = self._running.pop(site_id, None)
        if running is not None:
            running.thread.join(1.0)
            self.changed.emit()
