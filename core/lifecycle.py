"""Support-end reminders: a finding before and after the maker stops sending security updates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from core.checklist_evidence import parse_date
from core.models import Finding, Severity

UNSUPPORTED = "device-unsupported"
SUPPORT_ENDING = "device-support-ending"
FINDING_IDS: tuple[str, ...] = (UNSUPPORTED, SUPPORT_ENDING)
SUPPORT_END_ITEM = "upd-support-end"  # the checklist item whose date answer drives the reminder
REMIND_DAYS_BEFORE = 90

_REFS = ("UK PSTI 3", "ETSI EN 303 645 5.3", "OWASP IoT I5")


def support_reminders(support_end: date | None, today: date) -> Finding | None:
    """A high finding once the support end date has passed, a low one within 90 days before it."""
    if support_end is None:
        return None
    days_left = (support_end - today).days
    if days_left < 0:
        return Finding(
            id=UNSUPPORTED,
            severity=Severity.HIGH,
            title="The maker no longer sends security updates",
            evidence=f"Security updates ended on {support_end.isoformat()} "
            f"({-days_left} days ago).",
            fix=(
                "Plan to replace the device with a model whose maker promises updates for years "
                "to come. Until then keep it on a separate network and switch off what you "
                "don't use."
            ),
            refs=_REFS,
        )
    if days_left <= REMIND_DAYS_BEFORE:
        return Finding(
            id=SUPPORT_ENDING,
            severity=Severity.LOW,
            title="Security updates end soon",
            evidence=f"The maker's security updates end on {support_end.isoformat()} "
            f"(in {days_left} days).",
            fix="Install the last updates and plan a replacement before that date.",
            refs=_REFS,
        )
    return None


def answer_findings(answers: Mapping[str, str], today: date) -> tuple[Finding, ...]:
    """Findings that follow from checklist answers alone (today: the support-end reminder)."""
    reminder = support_reminders(parse_date(answers.get(SUPPORT_END_ITEM)), today)
    return (reminder,) if reminder else ()
