"""The window's one gateway to core: sites, devices, findings, answers, scores, secrets."""

from __future__ import annotations

import getpass
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.models import Device, Finding, ScanResult, Severity, Site, Tag
from gui.models import SEVERITY_ORDER, DeviceRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FindingView:
    """A finding as the device page shows it: what people decided and whether it is derived."""

    finding: Finding
    status: str = "open"  # open | fixed | accepted
    reason: str = ""
    derived: bool = False  # computed from the tag and network (placement), not stored


@dataclass(frozen=True)
class DeviceDetails:
    """Everything the device page shows about one device."""

    device: Device
    name: str
    label: str
    tag: Tag
    owner: str
    location: str
    notes: str
    support_end: str
    first_seen: str
    last_seen: str
    findings: tuple[FindingView, ...]
    items: tuple[Any, ...]
    answers: dict[str, str]
    score: int | None
    score_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class PasswordStatus:
    available: bool
    stored: bool
    message: str


@dataclass(frozen=True)
class DashboardData:
    """The site summary the dashboard shows, all plain text and numbers."""

    score: int | None = None
    explanation: tuple[str, ...] = ()
    severity_counts: tuple[tuple[Severity, int], ...] = ()
    checklist_answered: int = 0
    checklist_total: int = 0
    changes: tuple[str, ...] = ()
    placement: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    action_macs: tuple[str, ...] = field(default_factory=tuple)

    @property
    def checklist_percent(self) -> int:
        return round(100 * self.checklist_answered / self.checklist_total) \
            if self.checklist_total else 0


class Session:
    """Wraps one open core Store; every method is a short, plain call the GUI thread can make."""

    def __init__(self, store: Any, who: str = "") -> None:
        self.store = store
        self.who = who or _user_name()

    @classmethod
    def open(cls, path: Path | None = None) -> Session:
        from core.store import Store

        return cls(Store.open(path))

    def close(self) -> None:
        self.store.close()

    # -- sites
    def sites(self) -> tuple[Site, ...]:
        return tuple(self.store.sites())

    def site(self, site_id: int) -> Site:
        return self.store.site(site_id)

    def create_site(self, name: str, network: str = "") -> Site:
        networks = (network,) if network else ()
        return self.store.create_site(name, networks=networks, work_networks=networks)

    def rename_site(self, site_id: int, name: str) -> Site:
        return self.store.rename_site(site_id, name)

    def remember_network(self, site_id: int, network: str) -> None:
        site = self.store.site(site_id)
        if network and network not in site.networks:
            self.store.update_site(site_id, networks=(*site.networks, network))

    # -- scans
    def save_scan(self, site_id: int, result: ScanResult, consent_id: int | None = None) -> int:
        return int(self.store.save_scan(site_id, result, consent_id=consent_id))

    def has_scans(self, site_id: int) -> bool:
        return bool(self.store.scans(site_id))

    def record_consent(self, site_id: int, who: str, network: str, scope: str) -> int:
        return int(self.store.record_consent(site_id, who, network, scope).id)

    # -- devices
    def device_rows(self, site_id: int) -> list[DeviceRow]:
        """Every current device of the site as a table row, scored (safe off the GUI thread)."""
        site = self.store.site(site_id)
        stored = _group(self.store.findings(site_id))
        rows = []
        for record in self.store.devices(site_id):
            if record.retired:
                continue
            device = record.latest or Device(mac=record.mac)
            answers = self._answers(site_id, record.mac)
            views = self._finding_views(device, record, site, stored.get(record.mac, ()),
                                        answers)
            rows.append(_scored_row(device, record.label, record.tag, record.display_name,
                                    views, answers))
        return rows

    def live_row(self, site_id: int, device: Device, known: DeviceRow | None) -> DeviceRow:
        """A row for a device a running scan just reported, keeping what people said about it."""
        views = tuple(FindingView(f) for f in device.findings)
        return DeviceRow(device=device, name=known.name if known else "",
                         tag=known.tag if known else Tag.UNKNOWN,
                         score=known.score if known else None, open_counts=_open_counts(views))

    def device_details(self, site_id: int, mac: str) -> DeviceDetails:
        record = self.store.device(site_id, mac)
        site = self.store.site(site_id)
        device = record.latest or Device(mac=record.mac)
        answers = self._answers(site_id, record.mac)
        views = self._finding_views(device, record, site, self.store.findings(site_id, mac),
                                    answers)
        row = _scored_row(device, record.label, record.tag, record.display_name, views, answers)
        detail = row.score_detail
        lines = tuple(f"{line.points:+d}  {line.text}" for line in detail.explanation) \
            if detail is not None else ()
        return DeviceDetails(
            device=device, name=record.display_name, label=record.label, tag=record.tag,
            owner=record.owner, location=record.location, notes=record.notes,
            support_end=record.support_end, first_seen=record.first_seen,
            last_seen=record.last_seen, findings=views, items=_items_for(device),
            answers=answers, score=row.score, score_lines=lines)

    def device_row(self, site_id: int, mac: str) -> DeviceRow:
        """One device's table row, fresh from the store (after its page changed something)."""
        record = self.store.device(site_id, mac)
        site = self.store.site(site_id)
        device = record.latest or Device(mac=record.mac)
        answers = self._answers(site_id, record.mac)
        views = self._finding_views(device, record, site, self.store.findings(site_id, mac),
                                    answers)
        return _scored_row(device, record.label, record.tag, record.display_name, views,
                           answers)

    def update_device(self, site_id: int, mac: str, **fields: Any) -> None:
        self.store.update_device(site_id, mac, **fields)

    def set_finding_status(self, site_id: int, mac: str, finding_id: str, status: str,
                           reason: str = "") -> None:
        self.store.set_finding_status(site_id, mac, finding_id, status, reason=reason,
                                      who=self.who)

    def record_answer(self, site_id: int, mac: str, item_id: str, value: str) -> None:
        self.store.record_answer(site_id, mac, item_id, value, who=self.who)

    def _answers(self, site_id: int, mac: str) -> dict[str, str]:
        return {item_id: a.value for item_id, a in self.store.answers(site_id, mac).items()}

    def _finding_views(self, device: Device, record: Any, site: Site, stored: Iterable[Any],
                       answers: dict[str, str]) -> tuple[FindingView, ...]:
        """Stored findings with their status, plus those derived from tag, dates and answers."""
        views = [FindingView(r.finding, str(r.status.value), r.reason) for r in stored]
        derived = (*_placement(device, record.tag, site),
                   *_lifecycle(record.support_end, record.review_date, answers))
        views += [FindingView(f, derived=True) for f in derived]
        return tuple(views)

    # -- secrets
    def password_status(self, site_id: int, mac: str) -> PasswordStatus:
        from gui.session_secrets import password_status

        return password_status(site_id, mac)

    def store_password(self, site_id: int, mac: str, password: str) -> None:
        from gui.session_secrets import store_password

        store_password(site_id, mac, password)

    def forget_password(self, site_id: int, mac: str) -> None:
        from gui.session_secrets import forget_password

        forget_password(site_id, mac)

    # -- dashboard
    def site_report(self, site_id: int, fmt: str) -> str:
        """The client report (html or csv) of the site's latest scan."""
        from core.site_report import site_report

        return site_report(self.store, site_id, fmt, prepared_by=self.who)

    def dashboard(self, site_id: int, rows: list[DeviceRow] | None = None) -> DashboardData:
        from gui.session_dashboard import build_dashboard

        return build_dashboard(self, site_id, rows)


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _group(records: Iterable[Any]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for record in records:
        grouped.setdefault(record.mac, []).append(record)
    return grouped


def _open_counts(views: Iterable[FindingView]) -> tuple[tuple[Severity, int], ...]:
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for view in views:
        if view.status == "open":
            counts[view.finding.severity] += 1
    return tuple((s, n) for s, n in counts.items() if n and s is not Severity.INFO)


def _items_for(device: Device) -> tuple[Any, ...]:
    from core.checklists import items_for

    return tuple(items_for(device.category, device.vendor))


def _placement(device: Device, tag: Tag, site: Site) -> tuple[Finding, ...]:
    from core.placement import placement_findings

    return tuple(placement_findings(device, tag, site.work_networks))


def _lifecycle(support_end: str, review_date: str,
               answers: dict[str, str]) -> tuple[Finding, ...]:
    from datetime import date

    from core.lifecycle import answer_findings, parse_date, review_reminder, support_reminders

    today = date.today()
    found = [support_reminders(parse_date(support_end), today),
             review_reminder(parse_date(review_date), today)]
    seen = {f.id for f in found if f is not None}
    extra = [f for f in answer_findings(answers, today) if f.id not in seen]
    return tuple(f for f in (*found, *extra) if f is not None)


def _scored_row(device: Device, label: str, tag: Tag, display_name: str,
                views: tuple[FindingView, ...], answers: dict[str, str]) -> DeviceRow:
    """A table row with the device's score and what next_best_actions needs about it."""
    from core.scoring import DeviceInput, device_score

    items = _items_for(device)
    open_findings = [v.finding for v in views if v.status == "open"]
    detail = device_score(open_findings, items, answers)
    score_input = DeviceInput(label=display_name, findings=open_findings, items=items,
                              answers=answers, key=device.mac)
    return DeviceRow(device=device, name=label, tag=tag, score=detail.value,
                     open_counts=_open_counts(views), score_detail=detail,
                     score_input=score_input).with_haystack()
