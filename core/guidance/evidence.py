"""What the scan says about checklist items (pre-answers, contradictions), and progress."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.guidance.lifecycle import FINDING_IDS as DATE_FINDING_IDS
from core.guidance.lifecycle import parse_date
from core.guidance.schema import TRACKS, AnswerType, ChecklistItem, Track
from core.models import Finding

_ANSWER_WORDS = {"yes": "Yes", "no": "No", "na": "Not applicable", "unsure": "Not sure"}
_POSITIVE = ("yes", "na")  # answers a contradicted_by finding disputes
_MAX_EVIDENCE = 160


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the scan's findings say about one item; a user's answer is never overwritten."""

    pre_answer: str | None = None  # the answer a finding implies, if any
    answered_by: Finding | None = None  # the finding behind pre_answer
    note: str = ""  # plain words: what was found and what it means for this question
    contradictions: tuple[Finding, ...] = ()  # findings that dispute the user's answer
    contradiction: str = ""  # plain words shown beside the answer; "" when none

    @property
    def contradicted(self) -> bool:
        return bool(self.contradictions)


@dataclass(frozen=True, slots=True)
class TrackProgress:
    """How far one track is: items in it, answered (by the user or a finding), and done safely."""

    track: Track
    total: int
    answered: int
    done: int

    @property
    def label(self) -> str:
        return f"{self.track.title} {self.done} of {self.total}"


@dataclass(frozen=True, slots=True)
class ChecklistProgress:
    """Progress per track (in TRACKS order) and overall."""

    tracks: tuple[TrackProgress, ...]
    total: int
    answered: int
    done: int

    @property
    def fraction(self) -> float:
        """Share of items done safely, 0..1 (1 when there are no items)."""
        return self.done / self.total if self.total else 1.0


def normalise(answer: str | None) -> str:
    """An answer as stored: choice words lower-cased, everything stripped; "" when missing."""
    text = (answer or "").strip()
    return text.lower() if text.lower() in _ANSWER_WORDS else text


def evidence_for(item: ChecklistItem, findings: Sequence[Finding], answer: str | None) -> Evidence:
    """Pre-answer `item` from the findings and flag findings that contradict the user's answer."""
    present = {finding.id: finding for finding in findings}
    given = normalise(answer)
    implied = [(present[fid], value) for fid, value in item.answered_by if fid in present]
    pre_answer, source = (implied[0][1], implied[0][0]) if implied else (None, None)
    disputes: list[Finding] = []
    if given and given != "unsure":
        disputes += [finding for finding, value in implied if value != given]
        if given in _POSITIVE or item.answer_type is not AnswerType.CHOICE:
            disputes += [present[fid] for fid in item.contradicted_by if fid in present]
    note = ""
    if source is not None and pre_answer is not None:
        found = _found(source)
        note = f"{found[0].upper()}{found[1:]}. That answers this question: {_word(pre_answer)}."
    contradiction = ""
    if disputes:
        found = "; and ".join(_found(finding) for finding in _unique(disputes))
        contradiction = f"You answered {_word(given)}, but {found}. Please check again."
    return Evidence(pre_answer, source, note, tuple(_unique(disputes)), contradiction)


def is_done(item: ChecklistItem, answer: str | None, evidence: Evidence) -> bool:
    """True when the item is settled safely: a good answer that no finding contradicts."""
    given = normalise(answer)
    if evidence.contradicted:
        return False
    if item.answer_type is AnswerType.CHOICE:
        return (given or evidence.pre_answer or "") in _POSITIVE
    if item.answer_type is AnswerType.DATE:
        return parse_date(given) is not None
    return bool(given)


def progress(
    items: Sequence[ChecklistItem],
    answers: Mapping[str, str],
    findings: Sequence[Finding] = (),
) -> ChecklistProgress:
    """Count total, answered and done items per track and overall (findings may pre-answer)."""
    per_track: dict[str, list[int]] = {track.id: [0, 0, 0] for track in TRACKS}
    for item in items:
        answer = answers.get(item.id)
        evidence = evidence_for(item, findings, answer)
        counts = per_track[item.track]
        counts[0] += 1
        counts[1] += bool(normalise(answer) or evidence.pre_answer)
        counts[2] += is_done(item, answer, evidence)
    tracks = tuple(TrackProgress(track, *per_track[track.id]) for track in TRACKS)
    return ChecklistProgress(
        tracks=tracks,
        total=sum(t.total for t in tracks),
        answered=sum(t.answered for t in tracks),
        done=sum(t.done for t in tracks),
    )


def _found(finding: Finding) -> str:
    source = "the dates you entered show" if finding.id in DATE_FINDING_IDS else "the scan found"
    # Evidence often ends in its own full stop; the sentence around it adds one ("password..").
    return f"{source}: {_describe(finding)}".rstrip(" .;:,")


def _describe(finding: Finding) -> str:
    where = f" (port {finding.port})" if finding.port else ""
    evidence = " ".join(finding.evidence.split())
    if len(evidence) > _MAX_EVIDENCE:  # banners are network input: keep the sentence readable
        evidence = evidence[: _MAX_EVIDENCE - 1] + "…"
    detail = f": {evidence}" if evidence else ""
    return f"{finding.title}{where}{detail}"


def _word(answer: str) -> str:
    return _ANSWER_WORDS.get(answer, f'"{answer}"')


def _unique(findings: Sequence[Finding]) -> list[Finding]:
    seen: dict[str, Finding] = {}
    for finding in findings:
        seen.setdefault(finding.id, finding)
    return list(seen.values())
