"""Findings pre-answer checklist items and flag contradictions, never overwriting an answer."""

from __future__ import annotations

from datetime import date

from core.guidance.checklists import evidence_for, is_done, items_for, load_catalog, progress
from core.guidance.lifecycle import review_reminder, support_reminders
from core.models import Category, Finding, Severity

TELNET = Finding("telnet-open", Severity.HIGH, "Telnet is open", evidence="BusyBox login", port=23)
HTTP = Finding("http-admin-cleartext", Severity.MEDIUM, "Admin page over plain HTTP", port=80)
SELF_SIGNED = Finding("tls-self-signed", Severity.LOW, "Self-signed certificate", port=443)


def _item(item_id: str):
    return load_catalog().item(item_id)


def test_a_finding_pre_answers_an_unanswered_item() -> None:
    evidence = evidence_for(_item("enc-no-telnet-ftp"), [TELNET], None)
    assert evidence.pre_answer == "no"
    assert evidence.answered_by == TELNET
    assert "Telnet is open (port 23)" in evidence.note and "No" in evidence.note
    assert not evidence.contradicted


def test_a_contradiction_is_shown_and_the_answer_is_kept() -> None:
    item = _item("enc-admin-https")
    evidence = evidence_for(item, [HTTP], "Yes")
    assert evidence.contradictions == (HTTP,)
    assert evidence.contradiction.startswith("You answered Yes, but the scan found:")
    assert "Admin page over plain HTTP (port 80)" in evidence.contradiction
    assert not is_done(item, "yes", evidence)
    assert evidence.pre_answer == "no"  # shown beside the answer, the answer itself is untouched


def test_agreeing_or_unsure_answers_are_not_contradictions() -> None:
    item = _item("enc-no-telnet-ftp")
    assert not evidence_for(item, [TELNET], "no").contradicted
    assert not evidence_for(item, [TELNET], "unsure").contradicted
    assert evidence_for(item, [TELNET], "na").contradicted  # "no telnet here" is disputed too


def test_contradicted_by_disputes_only_a_safe_answer_and_never_pre_answers() -> None:
    item = _item("enc-secure-page")
    assert evidence_for(item, [SELF_SIGNED], None).pre_answer is None
    assert evidence_for(item, [SELF_SIGNED], "yes").contradicted
    assert not evidence_for(item, [SELF_SIGNED], "no").contradicted


def test_unrelated_findings_say_nothing() -> None:
    evidence = evidence_for(_item("pw-manager"), [TELNET, HTTP], "yes")
    assert evidence.pre_answer is None and not evidence.contradicted and evidence.note == ""


def test_hostile_evidence_is_bounded_in_the_text() -> None:
    noisy = Finding("telnet-open", Severity.HIGH, "Telnet is open", evidence="<b>x</b>\n" * 500)
    evidence = evidence_for(_item("enc-no-telnet-ftp"), [noisy], "yes")
    assert len(evidence.contradiction) < 400
    assert "\n" not in evidence.contradiction


def test_done_rules_per_answer_type() -> None:
    none = evidence_for(_item("gov-owner"), [], None)
    assert is_done(_item("gov-owner"), " Office manager ", none)
    assert not is_done(_item("gov-owner"), "   ", none)
    assert is_done(_item("gov-review-date"), "2027-01-31", none)
    assert not is_done(_item("gov-review-date"), "next year", none)
    assert is_done(_item("pw-account-mfa"), "na", none)
    assert not is_done(_item("pw-account-mfa"), "unsure", none)


def test_progress_counts_per_track_and_overall() -> None:
    items = items_for(Category.PRINTER)
    answers = {"pw-default-changed": "yes", "pw-manager": "unsure", "enc-admin-https": "yes"}
    result = progress(items, answers, [TELNET, HTTP])
    passwords = result.tracks[0]
    assert passwords.track.id == "passwords"
    assert (passwords.answered, passwords.done) == (2, 1)
    encryption = next(t for t in result.tracks if t.track.id == "encryption")
    assert encryption.answered == 2  # the user's (contradicted) answer + the telnet pre-answer
    assert encryption.done == 0
    assert result.total == len(items)
    assert result.done == sum(t.done for t in result.tracks) == 1
    assert passwords.label == f"Passwords 1 of {passwords.total}"
    assert 0 < result.fraction < 1


def test_date_findings_speak_of_dates_and_dispute_a_date_answer() -> None:
    due = review_reminder(date(2026, 1, 31), date(2026, 11, 22))
    assert due is not None
    item = _item("gov-review-date")
    evidence = evidence_for(item, [due], "2026-01-31")
    assert evidence.contradiction.startswith('You answered "2026-01-31", but the dates you entered')
    assert not is_done(item, "2026-01-31", evidence)
    unsupported = support_reminders(date(2025, 1, 1), date(2026, 11, 22))
    assert unsupported is not None
    note = evidence_for(_item("upd-replace-unsupported"), [unsupported], None).note
    assert note.startswith("The dates you entered show: The maker no longer sends")
