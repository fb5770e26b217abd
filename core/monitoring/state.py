"""State events after each scan: the inventory and the open findings, from the assessment."""

from __future__ import annotations

from dataclasses import replace

from core.assessment import SiteAssessment
from core.monitoring.events import Event, EventKind, device_of, finding_of


def state_events(assessment: SiteAssessment, timestamp: str, scan_id: int | None = None,
                 only_latest: bool = True) -> list[Event]:
    """One INVENTORY event per current device and one OPEN_FINDING event per open finding.

    Devices the latest scan did not see are left out when `only_latest` (the default).
    Scores ride along in `count` (the device score 0-100) so a dashboard can chart them.
    """
    site = assessment.site
    events: list[Event] = []
    for assessed in assessment.devices:
        if only_latest and not assessed.in_latest_scan:
            continue
        device = replace(device_of(assessed.device, assessed.name), mac=assessed.mac)
        score = assessed.score_value
        events.append(Event(
            kind=EventKind.INVENTORY, site=site.name, client=site.client, scan_id=scan_id,
            timestamp=timestamp, device=device, ports=assessed.device.open_ports,
            count=score if score is not None else 0,
            message=f"Inventory: {assessed.name} ({device.ip or device.mac}), "
                    f"{len(assessed.open_findings)} open findings"
                    + (f", score {score}" if score is not None else "")))
        for finding in assessed.open_findings:
            events.append(Event(
                kind=EventKind.OPEN_FINDING, site=site.name, client=site.client,
                scan_id=scan_id, timestamp=timestamp, device=device,
                finding=finding_of(finding), severity=finding.severity,
                ports=(finding.port,) if finding.port else (),
                message=f"Open finding on {assessed.name}: {finding.title}"))
    return events
