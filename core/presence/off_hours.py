"""The off-hours finding: devices on outside a site's business hours (text from the catalogue)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from core.datafiles.findings import entry
from core.errors import InvalidInputError
from core.models import Device, Finding
from core.presence.hours import (
    DAY_NAMES,
    BusinessHours,
    load_settings,
    monitoring_dir,
    save_settings,
)
from core.store import ScanSummary, Store

OUTSIDE_HOURS_ID = "on-outside-hours"
RECENT_SCANS = 48  # the scans the assessment looks back over (12 hours at the watch's 15 min)
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OffHoursSighting:
    """What a site's recent scans outside business hours say about one device."""

    when: dt.datetime  # the latest off-hours scan, which saw the device
    seen: int  # the recent off-hours scans that saw it
    of: int  # the recent off-hours scans


def site_hours(db_path: Path, site_id: int) -> BusinessHours | None:
    """The site's business hours when set and on; None otherwise or when the file is broken."""
    try:
        hours = load_settings(monitoring_dir(db_path), site_id).business_hours
    except InvalidInputError as error:
        log.warning("%s", error.message)
        return None
    return hours if hours is not None and hours.enabled else None


def exempt_from_hours(db_path: Path, site_id: int, mac: str) -> None:
    """Add `mac` to the site's exempt devices (InvalidInputError when the file is broken)."""
    folder = monitoring_dir(db_path)
    settings = load_settings(folder, site_id)
    hours = settings.business_hours
    mac = mac.lower().replace("-", ":")
    if hours is None or mac in hours.exempt_macs:
        return
    hours = replace(hours, exempt_macs=(*hours.exempt_macs, mac))
    save_settings(folder, site_id, replace(settings, business_hours=hours))


def off_hours_finding(device: Device, hours: BusinessHours,
                      sighting: OffHoursSighting) -> Finding | None:
    """The finding for `device` when the latest off-hours scan saw it and it is not exempt."""
    if hours.exempt(device) or hours.is_open(sighting.when):
        return None
    local = hours.local(sighting.when)
    evidence = (f"Seen on the network at {local:%H:%M} on {DAY_NAMES[local.weekday()]} "
                f"{local.day} {local:%b}; the site's business hours are {hours.describe()}.")
    if sighting.of > 1:
        evidence += (f" Seen by {sighting.seen} of the {sighting.of} recent scans outside "
                     "those hours.")
    return entry(OUTSIDE_HOURS_ID).with_evidence(evidence)


def outside_hours_findings(devices: Iterable[Device], hours: BusinessHours,
                           when: dt.datetime) -> list[tuple[Device, Finding]]:
    """Each non-exempt device seen at `when` outside business hours, with its finding."""
    if not hours.enabled:
        return []
    found = [(d, off_hours_finding(d, hours, OffHoursSighting(when, 1, 1))) for d in devices]
    return [(d, f) for d, f in found if f is not None]


def off_hours_sightings(store: Store, site_id: int, hours: BusinessHours | None,
                        limit: int = RECENT_SCANS) -> dict[str, OffHoursSighting]:
    """MAC -> sighting, for each device the site's latest off-hours scan saw.

    Only the last `limit` scans count; cancelled ones are left out. A device the latest
    off-hours scan did not see was switched off: it has no finding any more.
    """
    if hours is None or not hours.enabled:
        return {}
    off = [(scan, when) for scan, when in _finished(store, site_id, limit)
           if not hours.is_open(when)]
    if not off:
        return {}
    macs = store.scan_macs(scan.id for scan, _ in off)
    latest = off[0]
    return {mac: OffHoursSighting(latest[1], sum(mac in macs.get(s.id, ()) for s, _ in off),
                                  len(off))
            for mac in macs.get(latest[0].id, frozenset())}


def started_at(started: str) -> dt.datetime | None:
    """A scan's start as an aware datetime (UTC when the text has no offset); None if unreadable."""
    try:
        when = dt.datetime.fromisoformat(started)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _finished(store: Store, site_id: int, limit: int) -> list[tuple[ScanSummary, dt.datetime]]:
    found = []
    for scan in store.recent_scans(site_id, limit):
        when = started_at(scan.started)
        if when is not None and not scan.cancelled:
            found.append((scan, when))
    return found
