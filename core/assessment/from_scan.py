"""Assesses a scan that was never saved (a scan JSON file) exactly as a saved site would be."""

from __future__ import annotations

import datetime as dt

from core.assessment.assess import ACTION_LIMIT, assess_device, summarise
from core.assessment.model import KevUse, SiteAssessment
from core.fingerprints import current_catalog
from core.models import Device, ScanResult, Site, Tag
from core.store import DeviceRecord, FindingRecord, FindingStatus


def assess_scan(result: ScanResult, site: Site | None = None, today: dt.date | None = None,
                action_limit: int = ACTION_LIMIT) -> SiteAssessment:
    """Every device of the scan, untagged, its findings open, scored as the window would."""
    site = site or Site(id=0, name="")
    today = today or dt.date.today()
    seen = result.info.started
    devices = {d.mac.lower(): d for d in result.devices}  # the last report of a MAC wins
    catalog = current_catalog()
    assessed = [assess_device(_record(device, seen), _open(device, seen), {}, site, today,
                              catalog=catalog)
                for device in devices.values()]
    return summarise(site, assessed, today, None, action_limit,
                     KevUse.of(catalog, result.info.kev_catalog))


def _record(device: Device, seen: str) -> DeviceRecord:
    return DeviceRecord(site_id=0, mac=device.mac.lower(), label="",
                        display_name=device.label or device.mac, owner="", location="",
                        tag=Tag.UNKNOWN, notes="", support_end="", review_date="",
                        retired=False, first_seen=seen, last_seen=seen, latest=device)


def _open(device: Device, seen: str) -> tuple[FindingRecord, ...]:
    return tuple(FindingRecord(device.mac.lower(), f, FindingStatus.OPEN, "", "", seen, seen)
                 for f in device.findings)
