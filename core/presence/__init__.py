"""Presence: business hours, per-device timelines and the off-hours finding (no Qt, no watch)."""

from core.presence.hours import (
    BusinessHours,
    SiteSettings,
    load_settings,
    monitoring_dir,
    parse_hours_spec,
    save_settings,
)
from core.presence.off_hours import (
    OUTSIDE_HOURS_ID,
    OffHoursSighting,
    exempt_from_hours,
    off_hours_finding,
    off_hours_sightings,
    outside_hours_findings,
    site_hours,
)
from core.presence.timeline import (
    PresenceMark,
    PresencePoint,
    PresenceView,
    device_presence,
    presence,
    presence_ratio,
)

__all__ = [
    "OUTSIDE_HOURS_ID",
    "BusinessHours",
    "OffHoursSighting",
    "PresenceMark",
    "PresencePoint",
    "PresenceView",
    "SiteSettings",
    "device_presence",
    "exempt_from_hours",
    "load_settings",
    "monitoring_dir",
    "off_hours_finding",
    "off_hours_sightings",
    "outside_hours_findings",
    "parse_hours_spec",
    "presence",
    "presence_ratio",
    "save_settings",
    "site_hours",
]
