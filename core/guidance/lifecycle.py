"""Date reminders from checklist answers: support end (before and after) and overdue reviews."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from core.datafiles.findings import entry
from core.models import Finding

UNSUPPORTED = "device-unsupported"
SUPPORT_ENDING = "device-support-ending"
REVIEW_DUE = "device-review-due"
FINDING_IDS: tuple[str, ...] = (UNSUPPORTED, SUPPORT_ENDING, REVIEW_DUE)
SUPPORT_END_ITEM = "upd-support-end"  # the checklist item whose date answer drives the reminder
REVIEW_ITEM = "gov-review-date"
REMIND_DAYS_BEFORE = 90


def parse_date(text: str | None) -> date | None:
    """An ISO date (YYYY-MM-DD) or None for anything else."""
    try:
        return date.fromisoformat((text or "").strip()[:10]) if text else None
    except ValueError:
        return None


def date_answer(text: str | None) -> str | None:
    """A typed date answer as an ISO date: "2027" is 31 Dec 2027, "2027-03" the month's last day.

    A full date (2027-03-31, 31/03/2027 or 31.03.2027) stays that date; None for anything else.
    """
    words = (text or "").strip()
    if re.fullmatch(r"\d{4}", words):
        return f"{words}-12-31"
    month = re.fullmatch(r"(\d{4})-(\d{1,2})", words)
    if month and 1 <= int(month[2]) <= 12:
        year, number = int(month[1]), int(month[2])
        following = date(year + number // 12, number % 12 + 1, 1)
        return (following - timedelta(days=1)).isoformat()
    european = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", words)
    if european:
        words = f"{european[3]}-{int(european[2]):02d}-{int(european[1]):02d}"
    parsed = parse_date(words) if len(words) == 10 else None
    return parsed.isoformat() if parsed else None


def support_reminders(support_end: date | None, today: date) -> Finding | None:
    """A high finding once the support end date has passed, a low one within 90 days before it.

    Severity, title, fix and references come from resources/findings.toml; the dates from here.
    """
    if support_end is None:
        return None
    days_left = (support_end - today).days
    if days_left < 0:
        return entry(UNSUPPORTED).with_evidence(
            f"Security updates ended on {support_end.isoformat()} ({-days_left} days ago).")
    if days_left <= REMIND_DAYS_BEFORE:
        return entry(SUPPORT_ENDING).with_evidence(
            f"The maker's security updates end on {support_end.isoformat()} "
            f"(in {days_left} days).")
    return None


def review_reminder(review_date: date | None, today: date) -> Finding | None:
    """A low finding once the planned review date has passed."""
    if review_date is None or review_date >= today:
        return None
    return entry(REVIEW_DUE).with_evidence(
        f"The review was planned for {review_date.isoformat()} "
        f"({(today - review_date).days} days ago).")


def answer_findings(answers: Mapping[str, str], today: date) -> tuple[Finding, ...]:
    """Findings that follow from checklist answers alone: support end and review reminders."""
    found = (
        support_reminders(parse_date(answers.get(SUPPORT_END_ITEM)), today),
        review_reminder(parse_date(answers.get(REVIEW_ITEM)), today),
    )
    return tuple(finding for finding in found if finding is not None)
