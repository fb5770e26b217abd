"""Plain view data the window shows: a device page, its notes, the dashboard, a password."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.assessment import AssessedFinding, DeviceAssessment
from core.guidance import ChecklistItem
from core.models import Device, Severity, Tag
from core.scoring import CHECKLIST_POINTS


@dataclass(frozen=True)
class DeviceDetails:
    """Everything the device page shows about one device, from its assessment."""

    assessment: DeviceAssessment

    @property
    def device(self) -> Device:
        return self.assessment.device

    @property
    def name(self) -> str:
        return self.assessment.name

    @property
    def label(self) -> str:
        return self.assessment.record.label

    @property
    def tag(self) -> Tag:
        return self.assessment.tag

    @property
    def owner(self) -> str:
        return self.assessment.record.owner

    @property
    def location(self) -> str:
        return self.assessment.record.location

    @property
    def notes(self) -> str:
        return self.assessment.record.notes

    @property
    def support_end(self) -> str:
        return self.assessment.record.support_end

    @property
    def review_date(self) -> str:
        return self.assessment.record.review_date

    @property
    def first_seen(self) -> str:
        return self.assessment.record.first_seen

    @property
    def last_seen(self) -> str:
        return self.assessment.record.last_seen

    @property
    def findings(self) -> tuple[AssessedFinding, ...]:
        return self.assessment.findings

    @property
    def items(self) -> tuple[ChecklistItem, ...]:
        return self.assessment.items

    @property
    def answers(self) -> Mapping[str, str]:
        return self.assessment.answers

    @property
    def score(self) -> int | None:
        return self.assessment.score_value

    @property
    def score_lines(self) -> tuple[str, ...]:
        """The score's lines that count, plus one line that says what the checklist adds."""
        score = self.assessment.score
        counted = [f"{line.points:+d}  {line.text}" for line in score.explanation if line.points]
        if score.checklist_points < CHECKLIST_POINTS and self.assessment.items:
            progress = self.assessment.checklist
            counted.append(
                f"{score.checklist_points:+d}  Checklist: {progress.done} of {progress.total} "
                f"steps done safely (answering it earns up to {CHECKLIST_POINTS} points)")
        return tuple(counted)

    def gain_lines(self, limit: int | None = 5) -> tuple[str, ...]:
        """What would raise the score most: the very steps and points the next best actions use."""
        gains = sorted((g for g in self.assessment.gains if g.points > 0),
                       key=lambda g: -g.points)
        return tuple(f"+{g.points}  {g.step.text}" for g in gains[:limit])


@dataclass(frozen=True)
class DeviceNotesFields:
    """What the device page's notes tab saves; support_end and review_date: ISO date or ""."""

    label: str = ""
    owner: str = ""
    location: str = ""
    notes: str = ""
    support_end: str = ""
    review_date: str = ""


@dataclass(frozen=True)
class PasswordStatus:
    """Whether the keychain works here and whether this device has a password in it."""

    available: bool
    stored: bool
    message: str


@dataclass(frozen=True)
class DashboardData:
    """The site summary the dashboard shows, all plain text and numbers."""

    score: int | None = None
    explanation: tuple[str, ...] = ()
    severity_counts: tuple[tuple[Severity, int], ...] = ()
    checklist_answered: int = 0
    checklist_total: int = 0
    essentials_answered: int = 0  # the questions each device asks first, answered by people
    essentials_total: int = 0
    changes: tuple[str, ...] = ()
    placement: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    action_macs: tuple[str, ...] = field(default_factory=tuple)
    catalog: str = ""  # the known-exploited catalogue the assessment used, in words

    @property
    def essentials_percent(self) -> int:
        return round(100 * self.essentials_answered / self.essentials_total) \
            if self.essentials_total else 0

    @property
    def checklist_percent(self) -> int:
        return round(100 * self.checklist_answered / self.checklist_total) \
            if self.checklist_total else 0
