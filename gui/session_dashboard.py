"""Builds the dashboard's numbers and sentences for one site from the store and the scoring."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from core.assessment import DeviceAssessment, SiteAssessment
from core.guidance import CONSUMER_ON_WORK, GUEST_ON_WORK, HOME_ON_WORK
from core.models import Severity, Tag
from core.store import Store
from gui.checklist_wizard import user_answered
from gui.models import tag_name
from gui.text import clean, isolate
from gui.views import DashboardData

MAX_NAMES = 3
_SHOWN_SEVERITIES = tuple(s for s in Severity if s is not Severity.INFO)


def _tr(text: str) -> str:
    return QCoreApplication.translate("dashboard", text)


def build_dashboard(store: Store, site: SiteAssessment) -> DashboardData:
    """Score, issue counts, checklist progress, changes, placement and next steps for a site."""
    if not site.devices:
        return DashboardData(changes=(_tr("No scan yet."),), catalog=site.kev.describe())
    counts = dict(site.severity_counts)
    explanation = [f"{line.points:+d}  {line.text}" if n else line.text
                   for n, line in enumerate(site.score.explanation)]
    if site.score.lowest is not None:
        lowest = min((d for d in site.devices if d.scored), key=lambda d: d.score.value)
        explanation.append(_tr("Lowest: {0} ({1}).").format(
            isolate(lowest.name, 40), site.score.lowest))
    return DashboardData(
        score=site.score.value, explanation=tuple(explanation),
        severity_counts=tuple((s, counts.get(s, 0)) for s in _SHOWN_SEVERITIES),
        checklist_answered=site.checklist_answered, checklist_total=site.checklist_total,
        essentials_answered=sum(user_answered(d.answers, d.plan.essentials)
                                for d in site.devices if d.plan is not None),
        essentials_total=sum(len(d.plan.essentials) for d in site.devices if d.plan is not None),
        changes=_changes(store, site.site.id), placement=_placement(site.devices),
        actions=tuple(f"{clean(a.text, 90)} — {isolate(a.device, 40)} (+{a.points})"
                      for a in site.actions),
        action_macs=tuple(a.key for a in site.actions), catalog=site.kev.describe())


def _changes(store: Store, site_id: int) -> tuple[str, ...]:
    scans = store.scans(site_id)
    if len(scans) < 2:
        return (_tr("This is the first scan of this site."),) if scans else ()
    changes = store.changes(site_id)
    lines = [] if not changes.is_empty else [_tr("Nothing to act on.")]
    for refs, text in ((changes.new_devices, "{0} new: {1}"),
                       (changes.gone_devices, "{0} missing: {1}")):
        if refs:
            lines.append(_tr(text).format(len(refs), _names(r.name for r in refs)))
    for identity in changes.identity_changes:
        lines.append(_tr("{0} now says its {1} is {2} (was {3})").format(
            isolate(identity.device.name, 40), identity.field, isolate(identity.new, 40),
            isolate(identity.old, 40)))
    for change in changes.port_changes:
        if change.opened:
            lines.append(_tr("New open ports on {0}: {1}").format(
                isolate(change.device.name, 40), ", ".join(str(p) for p in change.opened)))
    for kind, text in ((changes.fixed_findings, "{0} fixed: {1}"),
                       (changes.new_findings, "{0} new issues: {1}")):
        if kind:
            lines.append(_tr(text).format(len(kind), _names(
                (f"{c.finding.title} ({c.device.name})" for c in kind), 90)))
    if changes.detail_count:
        lines.append(_tr("{0} minor changes (addresses, services, short-lived ports).").format(
            changes.detail_count))
    return tuple(lines)


def _names(names: Iterable[str], limit: int = 40) -> str:
    shown_names = [isolate(n, limit) for n in names]
    shown = ", ".join(shown_names[:MAX_NAMES])
    more = len(shown_names) - MAX_NAMES
    return shown + (_tr(" and {0} more").format(more) if more > 0 else "")


def _placement(devices: Iterable[DeviceAssessment]) -> tuple[str, ...]:
    devices = tuple(devices)
    counts = dict.fromkeys(Tag, 0)
    for device in devices:
        counts[device.tag] += 1
    lines = ["   ".join(f"{tag_name(t)} {n}" for t, n in counts.items())]
    misplaced = [d for d in devices if {HOME_ON_WORK, GUEST_ON_WORK} & set(d.open_ids)]
    personal = [d for d in devices if CONSUMER_ON_WORK in d.open_ids]
    if misplaced:
        lines.append(_tr("Home or guest devices on the work network ({0}): {1}").format(
            len(misplaced), _names(d.name for d in misplaced)))
    if personal:
        lines.append(_tr("Phones or TVs on the work network, not tagged yet: {0}").format(
            len(personal)))
    if counts[Tag.UNKNOWN]:
        lines.append(_tr("Tag each device home, work or guest on its page."))
    return tuple(lines)
