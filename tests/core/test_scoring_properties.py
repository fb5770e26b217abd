"""Score properties (hypothesis): bounded, monotone in fixes, critical cap, exact gains."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.guidance.checklists import AnswerType, ChecklistItem, items_for
from core.models import Category, Finding, Severity
from core.scoring.actions import gains
from core.scoring.score import (
    CRITICAL_CAP,
    SITE_CRITICAL_CAP,
    DeviceScore,
    device_score,
    site_score,
)

SETTINGS = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
LINKED_IDS = sorted({fid for c in Category for i in items_for(c) for fid in i.finding_ids})
ANSWERS = ("yes", "no", "na", "unsure", "", "2027-01-31", "not a date", "Office manager")
SAFE = {AnswerType.CHOICE: "yes", AnswerType.DATE: "2027-06-30", AnswerType.TEXT: "Office"}

findings_st = st.lists(
    st.builds(
        Finding,
        id=st.sampled_from([*LINKED_IDS, "unlinked-problem"]),
        severity=st.sampled_from(list(Severity)),
        title=st.just("A problem"),
        port=st.sampled_from([None, 23, 80, 443]),
    ),
    max_size=8,
)


@st.composite
def device_case(draw: st.DrawFn) -> tuple[list[Finding], Category, dict[str, str]]:
    """Findings, a category and answers: the items are looked up in the test (small reprs)."""
    category = draw(st.sampled_from(list(Category)))
    ids = [item.id for item in items_for(category)]
    answered = draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    answers = {item_id: draw(st.sampled_from(ANSWERS)) for item_id in answered}
    return draw(findings_st), category, answers


def _unpack(case) -> tuple[list[Finding], tuple[ChecklistItem, ...], dict[str, str]]:
    findings, category, answers = case
    return findings, items_for(category), answers


@SETTINGS
@given(device_case())
def test_score_is_bounded_explained_and_capped(case) -> None:
    findings, items, answers = _unpack(case)
    score = device_score(findings, items, answers)
    assert 0 <= score.value <= 100
    assert sum(line.points for line in score.explanation) == score.value
    if any(f.severity is Severity.CRITICAL for f in findings):
        assert score.value <= CRITICAL_CAP and score.critical


@SETTINGS
@given(device_case(), st.data())
def test_fixing_a_finding_never_lowers_the_score(case, data: st.DataObject) -> None:
    findings, items, answers = _unpack(case)
    if not findings:
        return
    gone = data.draw(st.sampled_from(findings))
    left = [f for f in findings if (f.id, f.port) != (gone.id, gone.port)]
    assert device_score(left, items, answers).value >= device_score(findings, items, answers).value


@SETTINGS
@given(device_case(), st.data())
def test_a_safe_answer_never_lowers_the_score(case, data: st.DataObject) -> None:
    findings, items, answers = _unpack(case)
    item = data.draw(st.sampled_from(items))
    better = {**answers, item.id: SAFE[item.answer_type]}
    assert (
        device_score(findings, items, better).value >= device_score(findings, items, answers).value
    )


@SETTINGS
@given(device_case())
def test_every_stated_gain_is_exact(case) -> None:
    findings, items, answers = _unpack(case)
    before = device_score(findings, items, answers).value
    for gain in gains(findings, items, answers):
        removed = {(f.id, f.port) for f in gain.step.removes}
        left = [f for f in findings if (f.id, f.port) not in removed]
        after = device_score(left, items, {**answers, **gain.step.answers}).value
        assert after - before == gain.points > 0


def _score(value: int, critical: bool) -> DeviceScore:
    return DeviceScore(value, value, False, critical, 0, 0, ())


scores_st = st.lists(st.tuples(st.integers(0, 100), st.booleans()), min_size=1, max_size=30)


@SETTINGS
@given(scores_st, st.data())
def test_site_score_is_bounded_and_monotone(pairs, data: st.DataObject) -> None:
    site = site_score([_score(v, c) for v, c in pairs])
    assert site.value is not None and 0 <= site.value <= 100
    if any(c for _, c in pairs):
        assert site.value <= SITE_CRITICAL_CAP
    index = data.draw(st.integers(0, len(pairs) - 1))
    value, critical = pairs[index]
    improved = list(pairs)
    improved[index] = (data.draw(st.integers(value, 100)), critical and data.draw(st.booleans()))
    better = site_score([_score(v, c) for v, c in improved])
    assert better.value is not None and better.value >= site.value
