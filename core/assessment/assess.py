"""The one assessment: stored and derived findings, checklist progress, scores and next actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from core.assessment.model import (
    AssessedFinding,
    DeviceAssessment,
    KevUse,
    Origin,
    SiteAssessment,
)
from core.fingerprints import Catalog, current_catalog, cve_ids, identity, kev_findings
from core.guidance import (
    answer_findings,
    checklist_plan,
    items_for,
    parse_date,
    placement_findings,
    progress,
    review_reminder,
    support_reminders,
    with_record,
)
from core.models import Device, Finding, Severity, Site
from core.scoring import device_score, gains, next_best_actions, site_score
from core.store import DeviceRecord, FindingRecord, FindingStatus

ACTION_LIMIT = 5
LOWER = {Severity.CRITICAL: Severity.HIGH, Severity.HIGH: Severity.MEDIUM,
         Severity.MEDIUM: Severity.LOW, Severity.LOW: Severity.INFO, Severity.INFO: Severity.INFO}


def assess_device(record: DeviceRecord, stored: Iterable[FindingRecord],
                  answers: Mapping[str, str], site: Site, today: dt.date,
                  in_latest_scan: bool = True,
                  catalog: Catalog | None = None,
                  presence: Sequence[Finding] = ()) -> DeviceAssessment:
    """One device: its stored findings with their status plus the derived ones, scored.

    The device's fingerprints are matched again against `catalog` (default: the catalogue in
    use), so a newer catalogue adds its findings without a new scan. `presence`: findings from
    when scans saw it (core.presence: on outside business hours)."""
    device = record.latest or Device(mac=record.mac)
    answers = MappingProxyType(with_record(answers, record_fields(record)))
    kept = _stored(stored)
    findings = (*kept, *_derived(device, record, site, answers, today),
                *_rechecked(device, kept, catalog or current_catalog()),
                *(AssessedFinding(f, origin=Origin.PRESENCE) for f in presence))
    items = () if device.is_self else items_for(device.category, device.vendor)
    open_findings = (*(a.finding for a in findings if a.is_open), *_accepted_residue(findings))
    steps = tuple(gains(open_findings, items, answers))
    return DeviceAssessment(
        record=record, device=device, findings=findings, items=items, answers=answers,
        checklist=progress(items, answers, open_findings),
        score=device_score(open_findings, items, answers, steps), in_latest_scan=in_latest_scan,
        gains=steps, plan=checklist_plan(items, open_findings, answers),
        score_findings=open_findings, identity=identity(device))


def record_fields(record: DeviceRecord) -> dict[str, str]:
    """The record's fields that answer checklist items (see core.guidance.ITEM_FIELDS)."""
    return {"owner": record.owner, "location": record.location, "support_end": record.support_end,
            "review_date": record.review_date, "tag": record.tag.value}


def summarise(site: Site, devices: Sequence[DeviceAssessment], today: dt.date,
              latest_scan_id: int | None = None,
              action_limit: int = ACTION_LIMIT, kev: KevUse | None = None) -> SiteAssessment:
    """The site: devices worst first, the site score and the next best actions across it."""
    ordered = tuple(sorted(devices, key=_worst_first))
    scored = [d for d in ordered if d.scored]
    return SiteAssessment(
        site=site, today=today, devices=ordered,
        score=site_score([d.score for d in scored]),
        actions=next_best_actions([d.score_input for d in scored], limit=action_limit),
        latest_scan_id=latest_scan_id, kev=kev or KevUse.of(current_catalog()),
        by_mac=MappingProxyType({d.mac: d for d in ordered}))


def derived_findings(device: Device, record: DeviceRecord, site: Site,
                     answers: Mapping[str, str], today: dt.date) -> tuple[Finding, ...]:
    """Findings no check produces: placement by tag and network, support and review dates."""
    dated = [support_reminders(parse_date(record.support_end), today),
             review_reminder(parse_date(record.review_date), today)]
    found = [f for f in dated if f is not None]
    seen = {f.id for f in found}
    found += [f for f in answer_findings(answers, today) if f.id not in seen]
    return (*placement_findings(device, record.tag, site.work_networks, site.network_roles),
            *found)


def _accepted_residue(findings: Iterable[AssessedFinding]) -> list[Finding]:
    """An accepted risk still costs points, one severity lower: accepting is not fixing."""
    return [replace(a.finding, severity=LOWER[a.finding.severity],
                    title=f"Accepted risk: {a.finding.title}")
            for a in findings if a.status is FindingStatus.ACCEPTED]


def _stored(stored: Iterable[FindingRecord]) -> tuple[AssessedFinding, ...]:
    return tuple(AssessedFinding(r.finding, r.status, Origin.SCAN, r.reason, r.who)
                 for r in stored)


def _derived(device: Device, record: DeviceRecord, site: Site, answers: Mapping[str, str],
             today: dt.date) -> tuple[AssessedFinding, ...]:
    return tuple(AssessedFinding(f, origin=Origin.DERIVED)
                 for f in derived_findings(device, record, site, answers, today))


def _rechecked(device: Device, kept: Iterable[AssessedFinding],
               catalog: Catalog) -> tuple[AssessedFinding, ...]:
    """Known-exploited matches of the device's fingerprints that no stored finding names yet."""
    named = {cve for a in kept for cve in cve_ids(a.finding)}
    return tuple(AssessedFinding(f, origin=Origin.DERIVED)
                 for f in kev_findings(device.fingerprints, catalog)
                 if not set(cve_ids(f)) & named)


def _worst_first(device: DeviceAssessment) -> tuple[int, int, str, str]:
    worst = device.worst
    return (-(worst.rank if worst is not None else -1), device.score.value, device.device.ip,
            device.mac)
