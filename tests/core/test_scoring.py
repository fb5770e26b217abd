"""Device and site scores: worked examples, the critical cap and the explanation adding up."""

from __future__ import annotations

from datetime import date

from core.guidance.checklists import AnswerType, items_for
from core.guidance.lifecycle import SUPPORT_ENDING, UNSUPPORTED, answer_findings, support_reminders
from core.guidance.references import is_known
from core.models import Category, Finding, Severity
from core.scoring.score import (
    CRITICAL_CAP,
    SITE_CRITICAL_CAP,
    DeviceInput,
    device_score,
    next_best_actions,
    site_score,
)

PRINTER = items_for(Category.PRINTER)
CAMERA = items_for(Category.CAMERA)
DEFAULT_PW = Finding("default-credentials-accepted", Severity.CRITICAL, "Factory password works")
TELNET = Finding("telnet-open", Severity.HIGH, "Telnet is open", port=23)
HTTP = Finding("http-admin-cleartext", Severity.MEDIUM, "Admin page over plain HTTP", port=80)


def _all_safe(items) -> dict[str, str]:
    safe = {AnswerType.CHOICE: "yes", AnswerType.DATE: "2027-06-30", AnswerType.TEXT: "Office"}
    return {item.id: safe[item.answer_type] for item in items}


def test_a_device_with_nothing_done_and_nothing_found_scores_60() -> None:
    score = device_score([], PRINTER, {})
    assert score.value == 60 and score.checklist_points == 0 and not score.capped


def test_a_perfect_device_scores_100_and_has_nothing_left_to_gain() -> None:
    score = device_score([], PRINTER, _all_safe(PRINTER))
    assert score.value == 100
    assert score.improvements == ()
    assert sum(line.points for line in score.explanation) == 100


def test_a_critical_finding_caps_the_score() -> None:
    score = device_score([DEFAULT_PW], PRINTER, _all_safe(PRINTER))
    assert score.uncapped == 60 - 40 + score.checklist_points
    assert score.value == CRITICAL_CAP and score.capped and score.critical
    assert score.explanation[-1].text.startswith(f"Capped at {CRITICAL_CAP}")
    assert sum(line.points for line in score.explanation) == CRITICAL_CAP


def test_findings_cost_points_by_severity_and_never_below_zero() -> None:
    assert device_score([TELNET], PRINTER, {}).value == 40
    assert device_score([HTTP], PRINTER, {}).value == 52
    assert device_score([HTTP, HTTP], PRINTER, {}).value == 52  # the same finding counts once
    many = [Finding(f"x-{n}", Severity.HIGH, "Bad", port=n) for n in range(10)]
    score = device_score(many, PRINTER, {})
    assert score.value == 0 and score.findings_points == 0
    assert sum(line.points for line in score.explanation) == 0


def test_contradicted_answers_do_not_count() -> None:
    answers = _all_safe(PRINTER)
    honest = device_score([HTTP], PRINTER, {**answers, "enc-admin-https": "no"})
    claimed = device_score([HTTP], PRINTER, answers)
    assert honest.checklist_points == claimed.checklist_points < 40


def test_improvements_say_exactly_what_each_step_gains() -> None:
    score = device_score([DEFAULT_PW, TELNET], CAMERA, {"pw-manager": "no"})
    texts = {line.text: line.points for line in score.improvements}
    assert texts["Change the password the device came with"] > texts["Turn off Telnet and FTP"] > 0
    assert texts["Save the password in a password manager"] > 0
    assert any(text.startswith("Answer: ") for text in texts)
    fixed = device_score([TELNET], CAMERA, {"pw-manager": "no", "pw-default-changed": "yes"})
    assert fixed.value - score.value == texts["Change the password the device came with"]


def test_site_score_is_the_capped_mean() -> None:
    good = device_score([], PRINTER, _all_safe(PRINTER))
    fair = device_score([], PRINTER, {})
    assert site_score([good, fair]).value == 80
    bad = device_score([DEFAULT_PW], CAMERA, _all_safe(CAMERA))
    site = site_score([good, good, good, bad])
    assert site.value == SITE_CRITICAL_CAP and site.critical_devices == 1 and site.lowest == 30
    assert sum(line.points for line in site.explanation) == site.value
    empty = site_score([])
    assert empty.value is None and empty.device_count == 0


def test_next_best_actions_rank_by_site_gain_in_plain_words() -> None:
    devices = [
        DeviceInput("Front door camera", [DEFAULT_PW, TELNET], CAMERA, {}, key="cam"),
        DeviceInput("Reception printer", [HTTP], PRINTER, _all_safe(PRINTER), key="prn"),
    ]
    actions = next_best_actions(devices, limit=3)
    assert len(actions) == 3
    first = actions[0]
    assert (first.device, first.key) == ("Front door camera", "cam")
    assert first.text == "Change the password the device came with"
    assert first.finding_ids == ("default-credentials-accepted",)
    assert (
        first.summary
        == f"Change the password the device came with (Front door camera): +{first.points}"
    )
    assert [a.site_points for a in actions] == sorted(
        (a.site_points for a in actions), reverse=True
    )
    assert next_best_actions(devices, limit=0) == ()
    assert next_best_actions([], limit=5) == ()


def test_support_reminders_before_and_after_the_end() -> None:
    today = date(2026, 11, 22)
    assert support_reminders(None, today) is None
    assert support_reminders(date(2027, 6, 1), today) is None
    soon = support_reminders(date(2027, 1, 10), today)
    assert soon is not None and soon.id == SUPPORT_ENDING and soon.severity is Severity.LOW
    assert "in 49 days" in soon.evidence
    gone = support_reminders(date(2026, 11, 21), today)
    assert gone is not None and gone.id == UNSUPPORTED and gone.severity is Severity.HIGH
    assert all(is_known(ref) for ref in gone.refs)
    assert answer_findings({"upd-support-end": "2025-01-01"}, today)[0].id == UNSUPPORTED
    assert answer_findings({"upd-support-end": "soon"}, today) == ()
    assert answer_findings({}, today) == ()


def test_a_repeated_finding_counts_once_at_its_worst_severity() -> None:
    worse = Finding("adb-open", Severity.CRITICAL, "Debugging open")
    milder = Finding("adb-open", Severity.HIGH, "Debugging open")
    for order in ([worse, milder], [milder, worse]):
        score = device_score(order, PRINTER, {})
        assert score.critical and score.findings_points == 20


def test_an_overdue_review_is_a_low_finding() -> None:
    today = date(2026, 11, 22)
    (due,) = answer_findings({"gov-review-date": "2026-11-01"}, today)
    assert due.id == "device-review-due" and due.severity is Severity.LOW
    assert "21 days ago" in due.evidence
    assert answer_findings({"gov-review-date": "2026-11-22"}, today) == ()
    both = answer_findings(
        {"gov-review-date": "2020-01-01", "upd-support-end": "2020-01-01"}, today
    )
    assert {f.id for f in both} == {UNSUPPORTED, "device-review-due"}
