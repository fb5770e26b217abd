"""Builds the dashboard's numbers and sentences for one site from the store and the scoring."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from core.models import Severity, Tag
from core.placement import CONSUMER_ON_WORK, GUEST_ON_WORK, HOME_ON_WORK
from gui.models import SEVERITY_ORDER, tag_name
from gui.text import clean, isolate

if TYPE_CHECKING:
    from gui.session import DashboardData, Session

MAX_NAMES = 3


def _tr(text: str) -> str:
    return QCoreApplication.translate("dashboard", text)


def build_dashboard(session: Session, site_id: int, rows: list[Any] | None = None) -> DashboardData:
    """Score, issue counts, checklist progress, changes, placement and next steps for a site."""
    from core.scoring import next_best_actions, site_score
    from gui.session import DashboardData

    rows = session.device_rows(site_id) if rows is None else rows
    if not rows:
        return DashboardData(changes=(_tr("No scan yet."),))
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for row in rows:
        for severity, number in row.open_counts:
            counts[severity] += number
    answered, total = _checklist_counts(rows)
    scored = [r for r in rows if r.score_detail is not None]
    site = site_score([r.score_detail for r in scored])
    explanation = [f"{line.points:+d}  {line.text}" if n else line.text
                   for n, line in enumerate(site.explanation)]
    if site.lowest is not None:
        lowest = min(scored, key=lambda r: r.score_detail.value)
        explanation.append(_tr("Lowest: {0} ({1}).").format(
            isolate(lowest.display_name, 40), site.lowest))
    actions = next_best_actions([r.score_input for r in scored if r.score_input is not None])
    return DashboardData(
        score=site.value, explanation=tuple(explanation),
        severity_counts=tuple((s, n) for s, n in counts.items() if s is not Severity.INFO),
        checklist_answered=answered, checklist_total=total,
        changes=_changes(session, site_id), placement=_placement(rows),
        actions=tuple(f"{clean(a.text, 90)} — {isolate(a.device, 40)} (+{a.points})"
                      for a in actions),
        action_macs=tuple(a.key for a in actions))


def _checklist_counts(rows: list[Any]) -> tuple[int, int]:
    """Items answered (by a person, or settled by a finding) and items in all, site-wide."""
    from core.checklist_evidence import progress

    answered = total = 0
    for row in rows:
        data = row.score_input
        if data is None:
            continue
        done = progress(data.items, data.answers, data.findings)
        answered += done.answered
        total += done.total
    return answered, total


def _changes(session: Session, site_id: int) -> tuple[str, ...]:
    scans = session.store.scans(site_id)
    if len(scans) < 2:
        return (_tr("This is the first scan of this site."),) if scans else ()
    if not hasattr(session.store, "changes"):
        return (_tr("Comparing scans is not available in this build."),)
    changes = session.store.changes(site_id)
    if changes.is_empty:
        return (_tr("Nothing changed."),)
    lines = []
    for refs, text in ((changes.new_devices, "{0} new: {1}"),
                       (changes.gone_devices, "{0} missing: {1}")):
        if refs:
            lines.append(_tr(text).format(len(refs), _names(r.name for r in refs)))
    for change in changes.port_changes:
        if change.opened:
            lines.append(_tr("New open ports on {0}: {1}").format(
                isolate(change.device.name, 40), ", ".join(str(p) for p in change.opened)))
    for kind, text in ((changes.fixed_findings, "{0} fixed: {1}"),
                       (changes.new_findings, "{0} new issues: {1}")):
        if kind:
            lines.append(_tr(text).format(len(kind), _names(
                (f"{c.finding.title} ({c.device.name})" for c in kind), 90)))
    return tuple(lines)


def _names(names: Any, limit: int = 40) -> str:
    names = [isolate(n, limit) for n in names]
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (_tr(" and {0} more").format(len(names) - MAX_NAMES)
                    if len(names) > MAX_NAMES else "")


def _placement(rows: list[Any]) -> tuple[str, ...]:
    counts = dict.fromkeys(Tag, 0)
    for row in rows:
        counts[row.tag] += 1
    summary = "   ".join(f"{tag_name(t)} {n}" for t, n in counts.items())
    lines = [summary]
    misplaced = [row for row in rows if row.score_input is not None and any(
        f.id in (HOME_ON_WORK, GUEST_ON_WORK) for f in row.score_input.findings)]
    personal = [row for row in rows if row.score_input is not None and any(
        f.id == CONSUMER_ON_WORK for f in row.score_input.findings)]
    if misplaced:
        lines.append(_tr("Home or guest devices on the work network ({0}): {1}").format(
            len(misplaced), _names(r.display_name for r in misplaced)))
    if personal:
        lines.append(_tr("Phones or TVs on the work network, not tagged yet: {0}").format(
            len(personal)))
    if counts[Tag.UNKNOWN]:
        lines.append(_tr("Tag each device home, work or guest on its page."))
    return tuple(lines)
