"""What to do next: each possible step for a device and exactly how many points it gains."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from core.fingerprints import KEV_FINDING_IDS, cve_ids
from core.guidance.evidence import evidence_for, is_done, normalise
from core.guidance.schema import AnswerType, ChecklistItem
from core.models import Finding, Severity
from core.scoring.formula import (
    FINDINGS_POINTS,
    PENALTY,
    cap_value,
    checklist_points,
    done_flags,
    open_findings,
    score_value,
)

KEV_STEP = "Update the firmware or replace the device"
MAX_CVES_SHOWN = 4
_SAMPLE_ANSWER = {AnswerType.CHOICE: "yes", AnswerType.DATE: "2000-01-01", AnswerType.TEXT: "-"}


@dataclass(frozen=True, slots=True)
class Step:
    """One thing the user can do on a device: fix findings and/or answer an item safely."""

    text: str  # the item's action once the answer is known to be unsafe, else "Answer: <question>"
    detail: str  # why or how, one or two sentences
    item_id: str | None
    removes: tuple[Finding, ...] = ()
    answers: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), hash=False, compare=False
    )

    @property
    def urgent(self) -> bool:
        """It removes a known-exploited vulnerability: attackers use it now, so it comes first."""
        return any(f.id in KEV_FINDING_IDS for f in self.removes)


@dataclass(frozen=True, slots=True)
class Gain:
    """A step and what it changes: device points gained, and the device's value afterwards."""

    step: Step
    points: int
    value_after: int
    critical_after: bool


def steps_for(
    findings: Sequence[Finding], items: Sequence[ChecklistItem], answers: Mapping[str, str]
) -> list[Step]:
    """Every step that could raise the score: one per unfinished item, one per unlinked finding.

    Each open finding is fixed by exactly one step (the item that answers it, highest weight
    first), so two steps never claim the same points.
    """
    problems = open_findings(findings)
    owner = _owners(problems, items)
    steps: list[Step] = []
    for item in items:
        answer = answers.get(item.id)
        evidence = evidence_for(item, problems, answer)
        if is_done(item, answer, evidence):
            continue
        removes = tuple(f for f in problems if owner.get(f.id) == item.id)
        known = bool(normalise(answer) or evidence.pre_answer or removes)
        steps.append(
            _kev_step(
                Step(
                    text=item.action if known else f"Answer: {item.question}",
                    detail=item.why,
                    item_id=item.id,
                    removes=removes,
                    answers=MappingProxyType({item.id: _SAMPLE_ANSWER[item.answer_type]}),
                ),
                findings,
            )
        )
    fixed = {f.id for step in steps for f in step.removes}
    for finding in problems:
        if finding.id not in fixed and PENALTY[finding.severity] > 0:
            fix = Step(f"Fix: {finding.title}", finding.fix, None, removes=(finding,))
            steps.append(_kev_step(fix, findings))
    return steps


def _kev_step(step: Step, findings: Sequence[Finding]) -> Step:
    """A step that removes known-exploited findings says so in plain words, with the CVE ids
    of every such finding (scoring counts one per id, the step names them all)."""
    if not step.urgent:
        return step
    removed = {f.id for f in step.removes}
    cves = list(dict.fromkeys(c for f in findings if f.id in removed for c in cve_ids(f)))
    named = ", ".join(cves[:MAX_CVES_SHOWN]) + (
        f" and {len(cves) - MAX_CVES_SHOWN} more" if len(cves) > MAX_CVES_SHOWN else "")
    kev = next(f for f in step.removes if f.id in KEV_FINDING_IDS)
    return Step(f"{KEV_STEP} ({named})" if named else KEV_STEP, kev.fix, step.item_id,
                step.removes, step.answers)


def gains(
    findings: Sequence[Finding], items: Sequence[ChecklistItem], answers: Mapping[str, str]
) -> list[Gain]:
    """Each step with a positive gain, recomputed with the real formula, biggest first.

    Only the items a step can change (its own, and those linked to the findings it removes)
    are re-evaluated; the formula is the same as score_value's.
    """
    problems = open_findings(findings)
    before = score_value(problems, items, answers)
    flags = dict(zip((i.id for i in items), done_flags(problems, items, answers), strict=True))
    total = sum(item.weight for item in items)
    done = sum(item.weight for item in items if flags[item.id])
    result: list[Gain] = []
    for step in steps_for(findings, items, answers):
        removed = {(f.id, f.port) for f in step.removes}
        left = [f for f in problems if (f.id, f.port) not in removed]
        new_answers = {**answers, **step.answers}
        removed_ids = {f.id for f in step.removes}
        changed = [i for i in items if i.id in step.answers or removed_ids & set(i.finding_ids)]
        new_done = done - sum(i.weight for i in changed if flags[i.id])
        new_done += sum(
            i.weight
            for i, ok in zip(changed, done_flags(left, changed, new_answers), strict=True)
            if ok
        )
        lost = sum(PENALTY[f.severity] for f in left)
        after = cap_value(max(0, FINDINGS_POINTS - lost) + checklist_points(new_done, total), left)
        if after > before:
            critical = any(f.severity is Severity.CRITICAL for f in left)
            result.append(Gain(step, after - before, after, critical))
    return sorted(result, key=lambda g: (not g.step.urgent, -g.points, g.step.text))


def _owners(problems: Sequence[Finding], items: Sequence[ChecklistItem]) -> dict[str, str]:
    """For each finding id, the one item whose step fixes it."""
    best: dict[str, tuple[tuple[int, int, int], str]] = {}
    for index, item in enumerate(items):
        answering = {fid for fid, _ in item.answered_by}
        for fid in item.finding_ids:
            rank = (int(fid in answering), item.weight, -index)
            if fid not in best or rank > best[fid][0]:
                best[fid] = (rank, item.id)
    present = {f.id for f in problems}
    return {fid: item_id for fid, (_, item_id) in best.items() if fid in present}
