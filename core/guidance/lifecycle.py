"""Date reminders from checklist answers: support end (before and after) and overdue reviews."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from core.models import Finding, Severity

UNSUPPORTED = "device-unsupported"
SUPPORT_ENDING = "device-support-ending"
REVIEW_DUE = "device-review-due"
FINDING_IDS: tuple[str, ...] = (UNSUPPORTED, SUPPORT_ENDING, REVIEW_DUE)
SUPPORT_END_ITEM = "upd-support-end"  # the checklist item whose date answer drives the reminder
REVIEW_ITEM = "gov-review-date"
REMIND_DAYS_BEFORE = 90

_REFS = ("UK PSTI 3", "ETSI EN 303 645 5.3", "OWASP IoT I5")


def parse_date(text: str | None) -> date | None:
    """An ISO date (YYYY-MM-DD) or None for anything else."""
    try:
        return date.fromisoformat((text or "").strip()[:10]) if text else None
    except ValueError:
        return None


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


def review_reminder(review_date: date | None, today: date) -> Finding | None:
    """A low finding once the planned review date has passed."""
    if review_date is None or review_date >= today:
        return None
    return Finding(
        id=REVIEW_DUE,
        severity=Severity.LOW,
        title="The device is due for its review",
        evidence=f"The review was planned for {review_date.isoformat()} "
        f"({(today - review_date).days} days ago).",
        fix=(
            "Check that the device is still needed, up to date and on the right network, "
            "then set the next review date."
        ),
        refs=("OWASP IoT I8", "NIST IR 8259A 6"),
    )


def answer_findings(answers: Mapping[str, str], today: date) -> tuple[Finding, ...]:
    """Findings that follow from checklist answers alone: support end and review reminders."""
    found = (
        support_reminders(parse_date(answers.get(SUPPORT_END_ITEM)), today),
        review_reminder(parse_date(answers.get(REVIEW_ITEM)), today),
    )
    return tuple(finding for finding in found if finding is not None)
