"""One whole scan: discovery, then the exposure checks, streamed and cancellable (CLI and GUI)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from core.cancel import CancelToken
from core.discovery.run import ScanRequest, run_discovery
from core.models import Device, Progress, ScanResult

if TYPE_CHECKING:
    from core.checks import CheckOptions


def run_scan(request: ScanRequest, checks: CheckOptions | None = None,
             cancel: CancelToken | None = None,
             on_progress: Callable[[Progress], None] | None = None,
             on_device: Callable[[Device], None] | None = None) -> ScanResult:
    """Discover the network, then check each device unless `checks` is None.

    Devices stream through `on_device` twice: once when discovery knows them, again with their
    open ports and findings. Cancelling returns what is known so far, marked cancelled.
    """
    cancel = cancel or CancelToken()
    found = run_discovery(request, cancel=cancel, on_progress=on_progress, on_device=on_device)
    if checks is None or found.cancelled or cancel.cancelled or not found.devices:
        return found
    from core.checks import bind_consent
    from core.fingerprints.kev import current_catalog

    # Consent is bound to the network actually scanned, and recorded, before the first attempt.
    checks = bind_consent(checks, found.info.network)
    assert checks is not None
    devices = run_checks(found.devices, checks, cancel, on_progress, on_device)
    consent = checks.consent.describe() if checks.consent else ""
    info = replace(found.info, checks_run=not cancel.cancelled, consent=consent,
                   kev_catalog=current_catalog().version, thorough=checks.thorough)
    return replace(found, info=info, devices=devices, cancelled=cancel.cancelled)


def run_checks(devices: tuple[Device, ...], checks: CheckOptions, cancel: CancelToken,
               on_progress: Callable[[Progress], None] | None,
               on_device: Callable[[Device], None] | None) -> tuple[Device, ...]:
    """`core.checks.run_checks`, imported on first use: a discovery-only scan starts faster
    without the probes and their libraries."""
    from core.checks import run_checks as check

    return check(devices, checks, cancel, on_progress, on_device)
