"""Reads what the store knows about a site and hands it to the assessment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from core.assessment.assess import ACTION_LIMIT, assess_device, summarise
from core.assessment.model import DeviceAssessment, KevUse, SiteAssessment
from core.fingerprints import current_catalog
from core.models import Device, Finding
from core.presence import BusinessHours, OffHoursSighting, off_hours_finding, off_hours_sightings
from core.presence import site_hours as business_hours
from core.store import DeviceRecord, FindingRecord, Store


def assess_site(store: Store, site_id: int, today: dt.date | None = None,
                action_limit: int = ACTION_LIMIT) -> SiteAssessment:
    """Every current (not retired) device of the site, assessed, with the site's totals."""
    site = store.site(site_id)
    today = today or dt.date.today()
    latest_id, latest_macs = _latest_scan(store, site_id)
    stored = _by_mac(store.findings(site_id))
    catalog = current_catalog()
    hours = business_hours(store.path, site_id)
    sightings = off_hours_sightings(store, site_id, hours)
    devices = [assess_device(record, stored.get(record.mac, ()), _answers(store, site_id,
                             record.mac), site, today, record.mac in latest_macs, catalog,
                             presence=_presence(record, hours, sightings))
               for record in store.devices(site_id) if not record.retired]
    scan_version = store.scan(latest_id).kev_catalog if latest_id is not None else ""
    return summarise(site, devices, today, latest_id, action_limit,
                     KevUse.of(catalog, scan_version))


def assess_one(store: Store, site_id: int, mac: str,
               today: dt.date | None = None) -> DeviceAssessment:
    """One device of the site, assessed exactly as assess_site would (for a page refresh)."""
    record = store.device(site_id, mac)
    _, latest_macs = _latest_scan(store, site_id)
    hours = business_hours(store.path, site_id)
    return assess_device(record, store.findings(site_id, record.mac),
                         _answers(store, site_id, record.mac), store.site(site_id),
                         today or dt.date.today(), record.mac in latest_macs,
                         presence=_presence(record, hours,
                                            off_hours_sightings(store, site_id, hours)))


def _presence(record: DeviceRecord, hours: BusinessHours | None,
              sightings: dict[str, OffHoursSighting]) -> tuple[Finding, ...]:
    sighting = sightings.get(record.mac)
    if hours is None or sighting is None:
        return ()
    found = off_hours_finding(record.latest or Device(mac=record.mac), hours, sighting)
    return (found,) if found is not None else ()


def _latest_scan(store: Store, site_id: int) -> tuple[int | None, frozenset[str]]:
    scans = store.scans(site_id)
    if not scans:
        return None, frozenset()
    return scans[0].id, frozenset(d.mac.lower() for d in store.scan_devices(scans[0].id))


def _answers(store: Store, site_id: int, mac: str) -> dict[str, str]:
    return {item_id: a.value for item_id, a in store.answers(site_id, mac).items()}


def _by_mac(records: Iterable[FindingRecord]) -> dict[str, list[FindingRecord]]:
    grouped: dict[str, list[FindingRecord]] = {}
    for record in records:
        grouped.setdefault(record.mac, []).append(record)
    return grouped
