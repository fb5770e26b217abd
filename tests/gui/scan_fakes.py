"""Scan functions with no network for the child-process tests (imported by the child)."""

from __future__ import annotations

from collections.abc import Callable

from core.cancel import CancelToken
from core.errors import NeedsPrivilegesError
from core.models import ArpMode, Device, Progress, ScanInfo, ScanPhase, ScanResult

INFO = ScanInfo(interface="fake0", network="10.9.0.0/24", mode=ArpMode.KERNEL,
                started="2026-11-22T07:00:00Z")


def three_devices(plan: object, cancel: CancelToken, on_progress: Callable[[Progress], None],
                  on_device: Callable[[Device], None]) -> ScanResult:
    devices = tuple(Device(mac=f"02:00:00:00:00:0{n}", ips=(f"10.9.0.{n}",)) for n in (1, 2, 3))
    for number, device in enumerate(devices, start=1):
        on_progress(Progress(ScanPhase.ARP, number / 3, f"found {number}"))
        on_device(device)
    return ScanResult(info=INFO, devices=devices)


def needs_admin(plan: object, cancel: CancelToken, on_progress: object,
                on_device: object) -> ScanResult:
    raise NeedsPrivilegesError("Raw ARP needs administrator rights.", "Use Standard mode.")


def until_cancelled(plan: object, cancel: CancelToken, on_progress: object,
                    on_device: Callable[[Device], None]) -> ScanResult:
    on_device(Device(mac="02:00:00:00:00:09"))
    cancelled = cancel.wait(30)
    return ScanResult(info=INFO, cancelled=cancelled)


def crashes(plan: object, cancel: CancelToken, on_progress: object,
            on_device: object) -> ScanResult:
    raise ZeroDivisionError("bug in a check")
