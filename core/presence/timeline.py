"""Presence: per device, whether each of a site's recent scans saw it; the device page's view."""

from __future__ import annotations

from dataclasses import dataclass

from core.presence.hours import DAY_NAMES, BusinessHours
from core.presence.off_hours import site_hours, started_at
from core.store import ScanSummary, Store

TIMELINE_SCANS = 24  # squares on the device page


@dataclass(frozen=True, slots=True)
class PresencePoint:
    """One scan of the timeline: when it ran and whether it saw the device."""

    scan_id: int
    started: str
    seen: bool


@dataclass(frozen=True, slots=True)
class PresenceMark:
    """One scan as the device page shows it: seen or not, when in local words, off-hours."""

    scan_id: int
    seen: bool
    when: str  # "Sat 28 Nov 22:15", the site's local time
    off_hours: bool  # the scan ran outside the site's business hours

    @property
    def text(self) -> str:
        """The tooltip: what the scan saw, in plain words."""
        if self.seen:
            return f"{self.when}: seen" + (", on outside business hours" if self.off_hours
                                            else "")
        return f"{self.when}: not seen" + (" (outside business hours)" if self.off_hours
                                           else "")


@dataclass(frozen=True, slots=True)
class PresenceView:
    """A device's presence timeline over the site's recent scans, oldest first."""

    mac: str
    marks: tuple[PresenceMark, ...] = ()
    hours: str = ""  # the business hours in words; "" when the site has none

    @property
    def seen(self) -> int:
        return sum(m.seen for m in self.marks)

    @property
    def seen_off_hours(self) -> int:
        return sum(m.seen and m.off_hours for m in self.marks)

    @property
    def summary(self) -> str:
        """The text alternative of the whole strip (screen readers, and the line beside it)."""
        if not self.marks:
            return "No finished scans yet."
        if len(self.marks) == 1:
            text = "Seen by the only scan so far" if self.seen else "Not seen by the only scan"
        else:
            text = f"Seen by {self.seen} of the last {len(self.marks)} scans"
            text += ", including the latest" if self.marks[-1].seen else ", not the latest"
        if self.seen_off_hours:
            text += f"; on outside business hours in {self.seen_off_hours}"
        return text + "."


def presence(store: Store, site_id: int, mac: str | None = None,
             limit: int = 48) -> dict[str, tuple[PresencePoint, ...]]:
    """MAC -> the device's timeline over the site's last `limit` finished scans, oldest first.

    Cancelled scans are left out (they could not say a device was absent). With `mac`, only that
    device's timeline; a device never seen in the window gets no entry.
    """
    scans = _finished(store, site_id, limit)
    seen_by_scan = store.scan_macs(s.id for s in scans)
    everyone: set[str] = set().union(*seen_by_scan.values())
    wanted = {mac.lower().replace("-", ":")} & everyone if mac else everyone
    return {m: tuple(PresencePoint(s.id, s.started, m in seen_by_scan.get(s.id, ()))
                     for s in scans)
            for m in sorted(wanted)}


def presence_ratio(timeline: tuple[PresencePoint, ...]) -> float:
    """The share of the timeline's scans that saw the device (0.0 for an empty timeline)."""
    return sum(p.seen for p in timeline) / len(timeline) if timeline else 0.0


def device_presence(store: Store, site_id: int, mac: str,
                    limit: int = TIMELINE_SCANS) -> PresenceView:
    """The device page's timeline: the site's last `limit` finished scans, with off-hours."""
    mac = mac.lower().replace("-", ":")
    scans = _finished(store, site_id, limit)
    seen_by_scan = store.scan_macs(s.id for s in scans)
    hours = site_hours(store.path, site_id)
    marks = tuple(_mark(s, mac in seen_by_scan.get(s.id, ()), hours) for s in scans)
    return PresenceView(mac, marks, hours.describe() if hours else "")


def _mark(scan: ScanSummary, seen: bool, hours: BusinessHours | None) -> PresenceMark:
    when = started_at(scan.started)
    if when is None:
        return PresenceMark(scan.id, seen, scan.started[:40], False)
    local = hours.local(when) if hours else when.astimezone()
    words = f"{DAY_NAMES[local.weekday()]} {local.day} {local:%b %H:%M}"
    return PresenceMark(scan.id, seen, words, hours is not None and not hours.is_open(when))


def _finished(store: Store, site_id: int, limit: int) -> list[ScanSummary]:
    """The last `limit` finished (not cancelled) scans, oldest first."""
    scans = [s for s in store.recent_scans(site_id, max(1, limit) * 2) if not s.cancelled]
    return scans[:max(1, limit)][::-1]
