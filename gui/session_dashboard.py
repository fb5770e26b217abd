"""Builds the dashboard's numbers and sentences for one site from the store and the scoring."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from core.models import Severity, Tag
from gui.models import SEVERITY_ORDER, tag_name
from gui.text import clean, isolate

if TYPE_CHECKING:
    from gui.session import DashboardData, Session

MAX_NAMES = 3


def _tr(text: str) -> str:
    return QCoreApplication.translate("dashboard", text)


def build_dashboard(session: Session, site_id: int, rows: list[Any] | None = None) -> DashboardData:
    from gui.session import DashboardData

    rows = session.device_rows(site_id) if rows is None else rows
    if not rows:
        return DashboardData(changes=(_tr("No scan yet."),))
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for row in rows:
        for severity, number in row.open_counts:
            counts[severity] += number
    answered, total = _checklist_counts(session, site_id, rows)
    scores = [r.score for r in rows if r.score is not None]
    score = round(sum(scores) / len(scores)) if scores else None
    explanation = _explain(score, rows, counts)
    return DashboardData(
        score=score, explanation=explanation,
        severity_counts=tuple((s, n) for s, n in counts.items() if s is not Severity.INFO),
        checklist_answered=answered, checklist_total=total,
        changes=_changes(session, site_id), placement=_placement(rows),
        actions=_actions(session, site_id))


def _explain(score: int | None, rows: list[Any], counts: dict[Severity, int]) -> tuple[str, ...]:
    if score is None:
        return (_tr("Scores appear once checklists and scoring are available."),)
    worst = sorted((r for r in rows if r.score is not None), key=lambda r: r.score)[:MAX_NAMES]
    lines = [_tr("The average of {0} device scores.").format(len(rows))]
    serious = counts[Severity.CRITICAL] + counts[Severity.HIGH]
    if serious:
        lines.append(_tr("{0} critical or high issues pull it down most.").format(serious))
    if worst:
        names = ", ".join(isolate(r.display_name, 40) for r in worst)
        lines.append(_tr("Lowest: {0}.").format(names))
    return tuple(lines)


def _checklist_counts(session: Session, site_id: int, rows: list[Any]) -> tuple[int, int]:
    from gui.session import _items_for

    answered = total = 0
    for row in rows:
        items = _items_for(row.device)
        if not items:
            continue
        answers = session._answers(site_id, row.device.mac)
        total += len(items)
        answered += sum(1 for item in items if item.id in answers)
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
                f"{c.finding.title} ({c.device.name})" for c in kind)))
    return tuple(lines)


def _names(names: Any) -> str:
    names = [isolate(n, 40) for n in names]
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (_tr(" and {0} more").format(len(names) - MAX_NAMES)
                    if len(names) > MAX_NAMES else "")


def _placement(rows: list[Any]) -> tuple[str, ...]:
    counts = dict.fromkeys(Tag, 0)
    for row in rows:
        counts[row.tag] += 1
    summary = "   ".join(f"{tag_name(t)} {n}" for t, n in counts.items())
    lines = [summary]
    if counts[Tag.UNKNOWN]:
        lines.append(_tr("Tag each device home, work or guest on its page."))
    return tuple(lines)


def _actions(session: Session, site_id: int) -> tuple[str, ...]:
    worst = sorted(session.store.findings(site_id, status="open"),
                   key=lambda r: -r.finding.severity.rank)
    actions = []
    for record in worst[:5]:
        if record.finding.severity.rank < Severity.MEDIUM.rank:
            break
        name = session.store.device(site_id, record.mac).display_name
        actions.append(f"{clean(record.finding.title, 80)} — {isolate(name, 40)}")
    return tuple(actions)
