"""The device score formula (docs/scoring.md): 60 points for scan findings, 40 for the checklist."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.guidance.evidence import evidence_for, is_done
from core.guidance.schema import TRACKS, ChecklistItem
from core.models import Finding, Severity

FINDINGS_POINTS = 60
CHECKLIST_POINTS = 40
CRITICAL_CAP = 30  # a device with an open critical finding never scores above this
PENALTY: Mapping[Severity, int] = {
    Severity.CRITICAL: 40,
    Severity.HIGH: 20,
    Severity.MEDIUM: 8,
    Severity.LOW: 3,
    Severity.INFO: 0,
}
_SEVERITY_WORD = {
    Severity.CRITICAL: "Critical problem",
    Severity.HIGH: "Serious problem",
    Severity.MEDIUM: "Problem",
    Severity.LOW: "Minor problem",
    Severity.INFO: "Note",
}


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """One explained step of a score: signed points and what they are for, in plain words."""

    points: int
    text: str


@dataclass(frozen=True, slots=True)
class DeviceScore:
    """A device's 0..100 score; the explanation's points add up to `value` exactly."""

    value: int
    uncapped: int  # what the score would be without the critical cap
    capped: bool  # the critical cap lowered the value
    critical: bool  # an open critical finding (the site cap looks at this)
    findings_points: int  # 0..60
    checklist_points: int  # 0..40
    explanation: tuple[ScoreLine, ...]
    improvements: tuple[ScoreLine, ...] = ()  # "+12: Change the password it came with", best first


def open_findings(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Each distinct open finding once (same id and port: the worst one counts), worst first."""
    unique: dict[tuple[str, int | None], Finding] = {}
    for finding in findings:
        kept = unique.get((finding.id, finding.port))
        if kept is None or finding.severity.rank > kept.severity.rank:
            unique[(finding.id, finding.port)] = finding
    return tuple(sorted(unique.values(), key=lambda f: (-f.severity.rank, f.id, f.port or 0)))


def score_value(
    findings: Sequence[Finding], items: Sequence[ChecklistItem], answers: Mapping[str, str]
) -> int:
    """Just the number: what device_score(...).value would be, without building the explanation."""
    problems = open_findings(findings)
    lost = sum(PENALTY[f.severity] for f in problems)
    done, total = _done_weight(problems, items, answers)
    uncapped = max(0, FINDINGS_POINTS - lost) + checklist_points(done, total)
    return cap_value(uncapped, problems)


def explain(
    findings: Sequence[Finding], items: Sequence[ChecklistItem], answers: Mapping[str, str]
) -> DeviceScore:
    """The score with one line per finding and per checklist track (no improvements yet)."""
    problems = open_findings(findings)
    lines = [ScoreLine(FINDINGS_POINTS, "Starting points for the problems a scan can find")]
    remaining = FINDINGS_POINTS
    for finding in problems:
        if PENALTY[finding.severity] == 0:
            continue
        taken = min(PENALTY[finding.severity], remaining)
        remaining -= taken
        note = "" if taken == PENALTY[finding.severity] else " (no more points to lose here)"
        lines.append(
            ScoreLine(-taken, f"{_SEVERITY_WORD[finding.severity]}: {finding.title}{note}")
        )
    checklist_lines = _track_lines(problems, items, answers)
    lines += checklist_lines
    checklist = sum(line.points for line in checklist_lines)
    uncapped = remaining + checklist
    value = cap_value(uncapped, problems)
    if value < uncapped:
        lines.append(
            ScoreLine(
                value - uncapped, f"Capped at {CRITICAL_CAP} while a critical problem is open"
            )
        )
    critical = any(f.severity is Severity.CRITICAL for f in problems)
    return DeviceScore(
        value=value,
        uncapped=uncapped,
        capped=value < uncapped,
        critical=critical,
        findings_points=remaining,
        checklist_points=checklist,
        explanation=tuple(lines),
    )


def cap_value(uncapped: int, problems: Sequence[Finding]) -> int:
    """The value after the critical cap."""
    if any(f.severity is Severity.CRITICAL for f in problems):
        return min(uncapped, CRITICAL_CAP)
    return uncapped


def checklist_points(done_weight: int, total_weight: int) -> int:
    """40 x done / total, rounded half up (0 when there are no items)."""
    if total_weight == 0:
        return 0
    return (2 * CHECKLIST_POINTS * done_weight + total_weight) // (2 * total_weight)  # half up


def _done_weight(
    problems: Sequence[Finding], items: Sequence[ChecklistItem], answers: Mapping[str, str]
) -> tuple[int, int]:
    flags = done_flags(problems, items, answers)
    return sum(item.weight for item, done in zip(items, flags, strict=True) if done), sum(
        item.weight for item in items
    )


def done_flags(
    problems: Sequence[Finding], items: Sequence[ChecklistItem], answers: Mapping[str, str]
) -> list[bool]:
    """For each item, whether it is done given these findings and answers."""
    return [
        is_done(item, answers.get(item.id), evidence_for(item, problems, answers.get(item.id)))
        for item in items
    ]


def _track_lines(
    problems: Sequence[Finding], items: Sequence[ChecklistItem], answers: Mapping[str, str]
) -> list[ScoreLine]:
    """Per-track checklist points; cumulative rounding makes them add up to the rounded total."""
    total_weight = sum(item.weight for item in items)
    flags = dict(
        zip((item.id for item in items), done_flags(problems, items, answers), strict=True)
    )
    lines: list[ScoreLine] = []
    cumulative_done = given = 0
    for track in TRACKS:
        in_track = [item for item in items if item.track == track.id]
        if not in_track:
            continue
        cumulative_done += sum(item.weight for item in in_track if flags[item.id])
        points = checklist_points(cumulative_done, total_weight) - given
        given += points
        steps_done = sum(flags[item.id] for item in in_track)
        lines.append(
            ScoreLine(points, f"{track.title}: {steps_done} of {len(in_track)} steps done")
        )
    return lines
