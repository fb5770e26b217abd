"""What the window calls to list networks and run a scan: the real engine, or a recorded sample."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from core.cancel import CancelToken
from core.discovery import list_interfaces, raw_permitted
from core.models import Device, Interface, Progress, ScanPhase, ScanResult
from core.paths import resource
from core.scan import scan_from_json
from gui.scan_process import run_in_child

SAMPLE_PATH = resource("sample", "office.json")
ProgressCallback = Callable[[Progress], None]
DeviceCallback = Callable[[Device], None]


@dataclass(frozen=True)
class ScanPlan:
    """What the user asked for: where to scan, how deep, and who authorised password checks."""

    interface: Interface
    deep: bool = False  # raw ARP (admin rights) instead of the kernel neighbour table
    run_checks: bool = True
    consent_by: str = ""  # non-empty: default-password checks were authorised by this person
    site_name: str = ""
    confirm_large: bool = False  # the user agreed to scan a network bigger than a /24
    thorough: bool = False  # check the 1,000 most common TCP ports, not only the curated ones


class ScanService(Protocol):
    def interfaces(self) -> tuple[Interface, ...]: ...

    def deep_mode(self) -> tuple[bool, str]: ...

    def scan(self, plan: ScanPlan, cancel: CancelToken, on_progress: ProgressCallback,
             on_device: DeviceCallback) -> ScanResult: ...


class EngineScanService:
    """The real scan: core.discovery.run finds devices, then core.checks looks at each one; it
    runs in a child process (gui.scan_process) so the window stays smooth."""

    def interfaces(self) -> tuple[Interface, ...]:
        return tuple(i for i in list_interfaces() if i.is_up and i.network)

    def deep_mode(self) -> tuple[bool, str]:
        """Whether raw ARP is allowed here, and why not if it is not."""
        return raw_permitted()

    def scan(self, plan: ScanPlan, cancel: CancelToken, on_progress: ProgressCallback,
             on_device: DeviceCallback) -> ScanResult:
        return run_in_child("gui.scan_service:scan_here", plan, cancel, on_progress, on_device)


def scan_here(plan: ScanPlan, cancel: CancelToken, on_progress: ProgressCallback,
              on_device: DeviceCallback) -> ScanResult:
    """Discovery, then checks, in this process (the scan's child process runs this)."""
    from core.checks import CheckOptions, consent_from_cli
    from core.discovery import ScanRequest
    from core.scan import run_scan

    request = ScanRequest(interface=plan.interface.name, network=plan.interface.network,
                          mode="raw" if plan.deep else "kernel",
                          confirm_large=plan.confirm_large)
    consent = (consent_from_cli(plan.consent_by, plan.site_name, plan.interface.network)
               if plan.consent_by else None)
    checks = CheckOptions(consent=consent, thorough=plan.thorough) if plan.run_checks else None
    return run_scan(request, checks, cancel, on_progress, on_device)


def load_sample() -> ScanResult:
    """The bundled sample office: a recorded scan to explore the app without scanning."""
    with SAMPLE_PATH.open(encoding="utf-8") as handle:
        return scan_from_json(json.load(handle))


class ReplayScanService:
    """Replays a recorded scan (the sample office by default) device by device: no network."""

    def __init__(self, result: ScanResult | None = None, delay: float = 0.05) -> None:
        self.result = result or load_sample()
        self.delay = delay
        info = self.result.info
        prefix = int(info.network.rsplit("/", 1)[1]) if "/" in info.network else 24
        first = info.network.split("/")[0].rsplit(".", 1)[0] + ".5"
        self.interface = Interface(name=info.interface or "sample0", ipv4=first, prefix_len=prefix,
                                   network=info.network, mac="02:00:00:00:00:01", is_up=True,
                                   is_default=True)

    def interfaces(self) -> tuple[Interface, ...]:
        return (self.interface,)

    def deep_mode(self) -> tuple[bool, str]:
        return (False, "The sample office is a recording.")

    def scan(self, plan: ScanPlan, cancel: CancelToken, on_progress: ProgressCallback,
             on_device: DeviceCallback) -> ScanResult:
        devices = self.result.devices
        seen: list[Device] = []
        for number, device in enumerate(devices, start=1):
            if cancel.wait(self.delay):
                break
            on_progress(Progress(ScanPhase.ARP, number / max(1, len(devices)),
                                 f"Found {number} devices"))
            on_device(device)
            seen.append(device)
        info = replace(self.result.info, consent=plan.consent_by)
        return replace(self.result, info=info, devices=tuple(seen), cancelled=cancel.cancelled)
