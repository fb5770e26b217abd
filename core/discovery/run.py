"""Runs one discovery scan: ARP, mDNS and SSDP at once, merged, streamed, ended when quiet."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from core import __version__
from core.cancel import CancelToken
from core.discovery import (
    arp_kernel,
    arp_raw,
    llmnr,
    mdns,
    names,
    neighbours,
    netbios,
    netif,
    ssdp,
    wsd,
)
from core.discovery.caps import Share
from core.discovery.inventory import Inventory
from core.discovery.unicast import Targets
from core.errors import InterfaceError, KnownError, NeedsPrivilegesError
from core.fingerprints.identify import fingerprint, preload
from core.models import (
    ArpEntry,
    ArpMode,
    Device,
    Interface,
    Progress,
    ScanInfo,
    ScanPhase,
    ScanResult,
)

log = logging.getLogger(__name__)
MODES = ("auto", "raw", "kernel")
MIN_TIMEOUT = 1.0
CLOSE_MARGIN = 0.3  # seconds kept at the end to close sockets and zeroconf
EXPECTED_QUIET = 1.0  # seconds: the progress bar's time constant (a quiet office ends at ~2 s)
RESOLVE_EVERY = 0.1  # how often addresses heard by mDNS/SSDP are resolved to a MAC
RESOLVE_WAIT = 0.6  # how long an address heard late gets to appear in the neighbour table


@dataclass(frozen=True)
class ScanRequest:
    """What to scan and how; `timeout` bounds the whole scan in seconds.

    Each phase ends as soon as its answers stop arriving, so a scan usually ends well before
    `timeout`. Networks larger than a /24 take longer when their ARP sweep needs it (about
    0.8 s per 512 addresses in kernel mode); a cancel still stops the scan at once.
    """

    interface: str
    network: str | None = None
    mode: str = "auto"
    timeout: float = 3.0
    confirm_large: bool = False


def run_discovery(request: ScanRequest, cancel: CancelToken | None = None,
                  on_progress: Callable[[Progress], None] | None = None,
                  on_device: Callable[[Device], None] | None = None) -> ScanResult:
    """Scan the request's network; KnownError before anything is sent if it cannot run."""
    cancel = cancel or CancelToken()
    iface = netif.find_interface(request.interface, request.network)
    network = netif.scan_network(iface, request.network, request.confirm_large)
    mode, reason = choose_mode(request.mode)
    if mode is ArpMode.RAW and not iface.mac:
        if request.mode == "raw":
            raise InterfaceError(f"{iface.name} has no Ethernet address, so raw ARP cannot run "
                                 "on it.", "Use the standard mode (--mode kernel).")
        mode, reason = ArpMode.KERNEL, f"auto: {iface.name} has no Ethernet address"
    scan = _Scan(iface, network, mode, request, cancel, on_progress, on_device)
    return scan.run(reason)


def choose_mode(requested: str) -> tuple[ArpMode, str]:
    """Which ARP mode runs for `requested` (auto|raw|kernel), and why, in plain words."""
    if requested not in MODES:
        raise KnownError(f"Unknown scan mode {requested!r}.", "Use auto, raw or kernel.")
    if requested == "kernel":
        return ArpMode.KERNEL, "standard mode requested"
    permitted, why = arp_raw.raw_permitted()
    if requested == "raw":
        if not permitted:
            raise NeedsPrivilegesError(
                f"Raw ARP mode needs administrator rights ({why}).",
                "Run as administrator, or use the standard mode (--mode kernel).")
        return ArpMode.RAW, f"raw mode requested; {why}"
    if permitted:
        return ArpMode.RAW, f"auto: {why}"
    return ArpMode.KERNEL, f"auto: {why}, so the standard mode (system ARP table) ran"


class _Scan:
    """One running scan: worker threads feed the inventory, the caller's thread reports."""

    def __init__(self, iface: Interface, network: ipaddress.IPv4Network, mode: ArpMode,
                 request: ScanRequest, cancel: CancelToken,
                 on_progress: Callable[[Progress], None] | None,
                 on_device: Callable[[Device], None] | None) -> None:
        self.iface, self.network, self.mode, self.cancel = iface, network, mode, cancel
        self.on_progress, self.on_device = on_progress, on_device
        # A network larger than a /24 gets the time its ARP sweep needs, even past `timeout`.
        arp_time = (arp_raw.time_needed(network) if mode is ArpMode.RAW
                    else arp_kernel.time_needed(network))
        self.timeout = max(MIN_TIMEOUT, request.timeout, arp_time + 0.5 + CLOSE_MARGIN)
        self.inventory = Inventory(network)
        self.errors: list[BaseException] = []
        self.arp_done = threading.Event()
        self.listeners_done = threading.Event()  # mDNS, SSDP and WS-Discovery have ended
        self._listening = 0
        self._lock = threading.Lock()
        self.netbios_targets = Targets()  # both filled as ARP finds hosts
        self.llmnr_targets = Targets()
        self.mdns_shares = mdns.Shares()
        self.ssdp_share = ssdp.new_share()
        self.start = time.monotonic()
        self.deadline = self.start + self.timeout - CLOSE_MARGIN

    def run(self, reason: str) -> ScanResult:
        started = _now()
        self._progress(ScanPhase.STARTING, 0.0, f"Scanning {self.network} on {self.iface.name}")
        self._emit(self.inventory.add_self(self.iface))
        self._progress(ScanPhase.ARP, 0.0, "Looking for devices (ARP)")
        arp = self._thread("arp", self._arp_phase)
        # Compiled while the network is being listened to, not after it.
        fingerprints = self._thread("fingerprints", preload)
        self._listening = 3
        listeners = [
            self._thread("mdns", lambda: mdns.browse(
                self.iface.ipv4, self.deadline, self.cancel,
                lambda s: self._emit(self.inventory.add_service(s)), self.mdns_shares),
                optional=True, on_end=self._listener_ended),
            self._thread("ssdp", lambda: ssdp.search(
                self.iface.ipv4, self.network, self.deadline, self.cancel,
                lambda ip, info: self._emit(self.inventory.add_upnp(ip, info)), self.ssdp_share),
                optional=True, on_end=self._listener_ended),
            self._thread("wsd", lambda: wsd.search(
                self.iface.ipv4, self.network, self.deadline, self.cancel,
                lambda ip, info: self._emit(self.inventory.add_wsd(ip, info))), optional=True,
                on_end=self._listener_ended),
        ]
        self._wait([arp, fingerprints, *listeners])
        for error in self.errors:
            raise error
        info = ScanInfo(interface=self.iface.name, network=str(self.network), mode=self.mode,
                        started=started, finished=_now(), version=__version__,
                        mode_reason=reason, limits=self._caps_hit())
        self._progress(ScanPhase.DONE, 1.0, "Cancelled" if self.cancel.cancelled else "Done")
        devices = tuple(replace(d, fingerprints=fingerprint(d)) for d in self.inventory.devices())
        return ScanResult(info=info, devices=devices, cancelled=self.cancel.cancelled)

    def _caps_hit(self) -> tuple[str, ...]:
        """Notes each responder over its share (on its device); scan-wide ceilings returned."""
        from core.checks.catalog import finding  # the checks package is heavy: only when needed

        shares: tuple[Share, ...] = (self.mdns_shares.types, self.mdns_shares.instances,
                                     self.ssdp_share)
        scan_wide: list[str] = []
        for share in shares:
            for ip, text in share.responder_notes().items():
                changed = self.inventory.add_note(ip, finding("discovery-capped", text))
                if changed:
                    self._emit(changed)
                else:
                    scan_wide.append(f"{text} (responder {ip})")
            if share.ceiling_note():
                scan_wide.append(share.ceiling_note())
        return tuple(scan_wide)

    # -- phases (worker threads) ------------------------------------------------------
    def _arp_phase(self) -> None:
        askers = [
            self._thread("netbios", lambda: netbios.query(
                self.netbios_targets, self.deadline, self.cancel,
                lambda ip, info: self._emit(self.inventory.add_netbios(ip, info))),
                optional=True),
            self._thread("llmnr", lambda: llmnr.query(
                self.llmnr_targets, self.deadline, self.cancel,
                lambda ip, name: self._emit(self.inventory.add_llmnr(ip, name))), optional=True),
        ]
        try:
            found = self._arp_sweep()
        finally:
            self.netbios_targets.close()
            self.llmnr_targets.close()
        self.arp_done.set()
        self._names_and_late_addresses(found)
        for thread in askers:
            thread.join()

    def _arp_sweep(self) -> tuple[ArpEntry, ...]:
        if self.mode is ArpMode.RAW:
            return arp_raw.raw_arp_scan(self.network, self.iface.name, self.iface.ipv4,
                                        self.iface.mac, self.cancel, self._on_arp, self.deadline)
        return arp_kernel.kernel_arp_scan(self.network, self.iface.name, self.iface.ipv4,
                                          self.cancel, self._on_arp, self.deadline)

    def _names_and_late_addresses(self, found: tuple[ArpEntry, ...]) -> None:
        names_deadline = min(self.deadline, time.monotonic() + 1.0)
        resolvers = names.local_resolvers(self.network)  # none inside the network: names off
        names_thread = self._thread("names", lambda: names.reverse_lookup(
            [e.ip for e in found], names_deadline, self.cancel,
            lambda ip, name: self._emit(self.inventory.add_hostname(ip, name)),
            resolvers, self.iface.ipv4), optional=True)
        self._resolve_late_addresses()
        names_thread.join()

    def _resolve_late_addresses(self) -> None:
        """Addresses heard only by mDNS/SSDP get one datagram, then the table gives their MAC.

        Ends once the listeners have ended and every address they heard has had RESOLVE_WAIT
        seconds to appear in the neighbour table.
        """
        asked: dict[str, float] = {}
        while not self.cancel.cancelled and time.monotonic() < self.deadline:
            listeners_done = self.listeners_done.is_set()  # before reading: nothing slips by
            unresolved = set(self.inventory.unresolved_ips()) - {self.iface.ipv4}
            fresh = [ip for ip in unresolved if ip not in asked]
            if fresh:
                arp_kernel.sweep(fresh, self.iface.ipv4, self.cancel)
                asked.update(dict.fromkeys(fresh, time.monotonic()))
            if unresolved:
                for entry in neighbours.read_neighbours(self.iface.name):
                    if entry.ip in unresolved:
                        self._emit(self.inventory.add_arp(entry, "arp"))
            waited = all(time.monotonic() - asked[ip] >= RESOLVE_WAIT for ip in unresolved)
            if listeners_done and waited:
                return
            if listeners_done:
                self.cancel.wait(RESOLVE_EVERY)
            else:  # woken at once when the last listener ends
                self.listeners_done.wait(RESOLVE_EVERY)

    def _listener_ended(self) -> None:
        with self._lock:
            self._listening -= 1
            if self._listening <= 0:
                self.listeners_done.set()

    def _on_arp(self, entry: ArpEntry) -> None:
        self._emit(self.inventory.add_arp(entry))
        if entry.ip != self.iface.ipv4:
            self.netbios_targets.add(entry.ip)
            self.llmnr_targets.add(entry.ip)

    # -- plumbing ---------------------------------------------------------------------
    def _thread(self, name: str, target: Callable[[], None], optional: bool = False,
                on_end: Callable[[], None] | None = None) -> threading.Thread:
        """Run `target` in a thread; its error stops the scan, unless `optional` and OSError.

        `on_end` is called when the thread ends, however it ends.
        """

        def guarded() -> None:
            try:
                target()
            except OSError as error:
                if not optional:
                    self.errors.append(error)
                    self.cancel.cancel()
                    return
                log.warning("discovery: %s unavailable on %s: %s", name, self.iface.name, error)
            except BaseException as error:  # handed to the caller's thread, raised there
                self.errors.append(error)
                self.cancel.cancel()
            finally:
                if on_end is not None:
                    on_end()

        thread = threading.Thread(target=guarded, name=f"discovery-{name}")
        thread.start()
        return thread

    def _wait(self, workers: list[threading.Thread]) -> None:
        while any(w.is_alive() for w in workers):
            tick = time.monotonic() + 0.05
            for worker in workers:
                worker.join(timeout=max(0.0, tick - time.monotonic()))
            elapsed = time.monotonic() - self.start
            phase = ScanPhase.ARP if not self.arp_done.is_set() else ScanPhase.MDNS
            message = ("Looking for devices (ARP)" if phase is ScanPhase.ARP
                       else "Listening for services (mDNS, UPnP, WS-Discovery) and names")
            if not self.cancel.cancelled:
                self._progress(phase, progress_fraction(elapsed, self.timeout), message)

    def _emit(self, devices: list[Device]) -> None:
        """Report devices to the caller; those whose MAC is not known yet wait for it."""
        if self.on_device is not None:
            for device in devices:
                if device.mac:
                    self.on_device(device)

    def _progress(self, phase: ScanPhase, fraction: float, message: str) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(phase=phase, fraction=fraction, message=message))


def progress_fraction(elapsed: float, timeout: float) -> float:
    """How far along a discovery is, for a progress bar: the scan ends when the network goes
    quiet (typically about 2 s), long before `timeout`, so time against the timeout alone
    would leave the bar at half and then jump; this rises quickly, then slows, never 1."""
    expected = 1 - math.exp(-max(0.0, elapsed) / EXPECTED_QUIET)
    return min(0.99, max(expected, elapsed / max(timeout, MIN_TIMEOUT)))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
