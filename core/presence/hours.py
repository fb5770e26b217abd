"""Site business hours, kept in a small JSON settings file per site beside the database."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import InvalidInputError
from core.models import Category, Device

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Cameras record at night on purpose; the router is the network itself.
DEFAULT_EXEMPT = (Category.CAMERA.value, Category.ROUTER.value)


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """When people are at the site: days (0 = Monday) and a start-end time, local or in `tz`."""

    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    start: dt.time = dt.time(8, 0)
    end: dt.time = dt.time(18, 0)
    timezone: str = ""  # IANA name; "" = this computer's local time
    exempt_categories: tuple[str, ...] = DEFAULT_EXEMPT
    exempt_macs: tuple[str, ...] = ()
    enabled: bool = True

    def local(self, when: dt.datetime) -> dt.datetime:
        if self.timezone:
            return when.astimezone(ZoneInfo(self.timezone))
        return when.astimezone()

    def is_open(self, when: dt.datetime) -> bool:
        """True during business hours (an end before the start spans midnight)."""
        local = self.local(when)
        now = local.time()
        if self.start <= self.end:
            return local.weekday() in self.days and self.start <= now < self.end
        if now >= self.start:
            return local.weekday() in self.days
        return (local.weekday() - 1) % 7 in self.days and now < self.end

    def describe(self) -> str:
        days = ", ".join(DAY_NAMES[d] for d in sorted(self.days)) or "no days"
        where = f" ({self.timezone})" if self.timezone else ""
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}{where}"

    def exempt(self, device: Device) -> bool:
        return (device.is_self or device.category.value in self.exempt_categories
                or device.mac.lower() in self.exempt_macs)


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """Per-site monitoring settings (business hours for now)."""

    business_hours: BusinessHours | None = None  # None: no hours set, no off-hours findings
    extra: dict[str, Any] = field(default_factory=dict)  # keys this version does not know


# -- the settings file --------------------------------------------------------------------
def settings_path(folder: Path, site_id: int) -> Path:
    """`<folder>/site-<id>.json`; `folder` is monitoring_dir(db path) in practice."""
    return folder / f"site-{int(site_id)}.json"


def monitoring_dir(db_path: Path) -> Path:
    """The monitoring folder beside the database: settings, queues, delivery status."""
    return db_path.parent / "monitoring"


def load_settings(folder: Path, site_id: int) -> SiteSettings:
    """The site's settings; defaults when the file is missing; InvalidInputError when broken."""
    path = settings_path(folder, site_id)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return SiteSettings()
    except (OSError, ValueError) as error:
        raise InvalidInputError(f"The monitoring settings {path} cannot be read ({error}).",
                                "Fix or delete the file.") from error
    if not isinstance(raw, dict):
        raise InvalidInputError(f"The monitoring settings {path} are not a JSON object.")
    extra = {k: v for k, v in raw.items() if k != "business_hours"}
    hours = raw.get("business_hours")
    return SiteSettings(business_hours=hours_from_json(hours) if hours else None, extra=extra)


def save_settings(folder: Path, site_id: int, settings: SiteSettings) -> Path:
    """Write the site's settings atomically; returns the file."""
    path = settings_path(folder, site_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = dict(settings.extra)
    if settings.business_hours is not None:
        doc["business_hours"] = hours_to_json(settings.business_hours)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def hours_to_json(hours: BusinessHours) -> dict[str, Any]:
    return {"days": [DAY_NAMES[d] for d in hours.days], "start": f"{hours.start:%H:%M}",
            "end": f"{hours.end:%H:%M}", "timezone": hours.timezone,
            "exempt_categories": list(hours.exempt_categories),
            "exempt_macs": list(hours.exempt_macs), "enabled": hours.enabled}


def hours_from_json(raw: object) -> BusinessHours:
    """Business hours from their JSON form; InvalidInputError naming what is wrong."""
    if not isinstance(raw, dict):
        raise InvalidInputError("business_hours must be a JSON object.")
    hours = BusinessHours()
    if "days" in raw:
        hours = replace(hours, days=parse_days(raw["days"]))
    if "start" in raw:
        hours = replace(hours, start=parse_time(raw["start"]))
    if "end" in raw:
        hours = replace(hours, end=parse_time(raw["end"]))
    if raw.get("timezone"):
        tz = str(raw["timezone"])
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise InvalidInputError(f"Unknown time zone {tz!r}.",
                                    "Use an IANA name like Europe/London.") from error
        hours = replace(hours, timezone=tz)
    if "exempt_categories" in raw:
        known = {c.value for c in Category}
        cats = tuple(str(c) for c in raw["exempt_categories"])
        unknown = [c for c in cats if c not in known]
        if unknown:
            raise InvalidInputError(f"Unknown device categories {unknown}.",
                                    f"Use some of: {', '.join(sorted(known))}.")
        hours = replace(hours, exempt_categories=cats)
    if "exempt_macs" in raw:
        hours = replace(hours, exempt_macs=tuple(str(m).lower().replace("-", ":")
                                                 for m in raw["exempt_macs"]))
    if "enabled" in raw:
        hours = replace(hours, enabled=bool(raw["enabled"]))
    return hours


def parse_hours_spec(text: str) -> BusinessHours:
    """"Mon-Fri 08:00-18:00" with an optional " Europe/London" time zone (the CLI's form)."""
    parts = text.split()
    if len(parts) not in (2, 3) or "-" not in parts[1]:
        raise InvalidInputError(f"{text!r} is not a set of business hours.",
                                "Write it like \"Mon-Fri 08:00-18:00\" (a time zone may follow).")
    start, _, end = parts[1].partition("-")
    raw: dict[str, object] = {"days": parts[0], "start": start, "end": end}
    if len(parts) == 3:
        raw["timezone"] = parts[2]
    return hours_from_json(raw)


def parse_days(raw: object) -> tuple[int, ...]:
    """["Mon", "Tue"] or [0, 1] or "Mon-Fri" -> (0, 1, ...)."""
    items: list[object] = []
    if isinstance(raw, str):
        for part in raw.split(","):
            first, _, last = part.strip().partition("-")
            a, b = _day(first), _day(last or first)
            items += [(a + i) % 7 for i in range((b - a) % 7 + 1)]
    elif isinstance(raw, list):
        items = [_day(x) for x in raw]
    else:
        raise InvalidInputError("days must be a list like [\"Mon\", \"Tue\"] or \"Mon-Fri\".")
    return tuple(sorted({int(str(d)) for d in items}))


def _day(value: object) -> int:
    if isinstance(value, int) and 0 <= value <= 6:
        return value
    text = str(value).strip()[:3].capitalize()
    if text in DAY_NAMES:
        return DAY_NAMES.index(text)
    raise InvalidInputError(f"{value!r} is not a day.", "Use Mon, Tue, ... Sun.")


def parse_time(value: object) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError as error:
        raise InvalidInputError(f"{value!r} is not a time.", "Write it like 08:30.") from error
