"""Presence: per device, whether each of a site's recent scans saw it (from the observations)."""

from __future__ import annotations

from dataclasses import dataclass

from core.store import Store


@dataclass(frozen=True, slots=True)
class PresencePoint:
    """One scan of the timeline: when it ran and whether it saw the device."""

    scan_id: int
    started: str
    seen: bool


def presence(store: Store, site_id: int, mac: str | None = None,
             limit: int = 48) -> dict[str, tuple[PresencePoint, ...]]:
    """MAC -> the device's timeline over the site's last `limit` finished scans, oldest first.

    Cancelled scans are left out (they could not say a device was absent). With `mac`, only that
    device's timeline; a device never seen in the window gets no entry.
    """
    scans = [s for s in store.scans(site_id) if not s.cancelled][:max(1, limit)]
    scans.reverse()
    seen_by_scan = [(s, {d.mac.lower() for d in store.scan_devices(s.id)}) for s in scans]
    wanted = {mac.lower().replace("-", ":")} if mac else set().union(*(m for _, m in seen_by_scan))
    return {m: tuple(PresencePoint(s.id, s.started, m in seen) for s, seen in seen_by_scan)
            for m in sorted(wanted) if any(m in seen for _, seen in seen_by_scan)}


def presence_ratio(timeline: tuple[PresencePoint, ...]) -> float:
    """The share of the timeline's scans that saw the device (0.0 for an empty timeline)."""
    return sum(p.seen for p in timeline) / len(timeline) if timeline else 0.0
