"""Hygiene scores per device and per site, and the next best actions (formula: docs/scoring.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from core.guidance.lifecycle import FINDING_IDS, answer_findings, support_reminders
from core.guidance.schema import ChecklistItem
from core.models import Finding
from core.scoring.actions import Gain, gains
from core.scoring.formula import (
    CHECKLIST_POINTS,
    CRITICAL_CAP,
    FINDINGS_POINTS,
    PENALTY,
    DeviceScore,
    ScoreLine,
    explain,
)

__all__ = [
    "CHECKLIST_POINTS",
    "CRITICAL_CAP",
    "FINDINGS_POINTS",
    "FINDING_IDS",
    "PENALTY",
    "SITE_CRITICAL_CAP",
    "Action",
    "DeviceInput",
    "DeviceScore",
    "ScoreLine",
    "SiteScore",
    "answer_findings",
    "device_score",
    "next_best_actions",
    "site_score",
    "support_reminders",
]

SITE_CRITICAL_CAP = 60  # a site with any device capped for a critical problem shows at most this


@dataclass(frozen=True, slots=True)
class SiteScore:
    """A site's 0..100 score (None when it has no devices yet), explained line by line."""

    value: int | None
    device_count: int
    critical_devices: int  # devices with an open critical finding
    lowest: int | None
    explanation: tuple[ScoreLine, ...]


@dataclass(frozen=True, slots=True)
class DeviceInput:
    """What next_best_actions needs about one device: its name, open findings, items, answers."""

    label: str
    findings: Sequence[Finding]
    items: Sequence[ChecklistItem]
    answers: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), hash=False, compare=False
    )
    key: str = ""  # caller's id for the device (e.g. its MAC), handed back in each Action
    # Already computed by device_score (the assessment passes them on; recomputed when absent).
    score: DeviceScore | None = field(default=None, compare=False)
    gains: tuple[Gain, ...] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Action:
    """One recommended step: what to do, on which device, and the points it gains."""

    device: str  # the device's label
    key: str
    text: str  # "Change the password the device came with"
    detail: str
    points: int  # gain on the device's score
    site_points: float  # gain on the site's score (before rounding)
    item_id: str | None
    finding_ids: tuple[str, ...]
    urgent: bool = False  # removes a vulnerability attackers are using now: listed first

    @property
    def summary(self) -> str:
        return f"{self.text} ({self.device}): +{self.points}"


def device_score(
    findings: Sequence[Finding], items: Sequence[ChecklistItem], answers: Mapping[str, str],
    found: Sequence[Gain] | None = None,
) -> DeviceScore:
    """The device's score, each point explained, plus what each next step would gain."""
    score = explain(findings, items, answers)
    steps = gains(findings, items, answers) if found is None else found
    return replace(score, improvements=tuple(ScoreLine(g.points, g.step.text) for g in steps))


def site_score(device_scores: Sequence[DeviceScore]) -> SiteScore:
    """The mean of the device scores (rounded half up), capped while any device is critical."""
    if not device_scores:
        return SiteScore(None, 0, 0, None, (ScoreLine(0, "No devices yet: run a scan first"),))
    values = [score.value for score in device_scores]
    critical = sum(score.critical for score in device_scores)
    mean = _site_value(sum(values), len(values), critical)
    lines = [ScoreLine(_round(sum(values) / len(values)), f"Average of {len(values)} devices")]
    if mean < lines[0].points:
        lines.append(
            ScoreLine(
                mean - lines[0].points,
                f"Capped at {SITE_CRITICAL_CAP}: {critical} device(s) with a critical problem",
            )
        )
    return SiteScore(mean, len(values), critical, min(values), tuple(lines))


def next_best_actions(devices: Sequence[DeviceInput], limit: int = 5) -> tuple[Action, ...]:
    """The few steps across the site that raise the site score most, biggest first."""
    scores = [d.score or explain(d.findings, d.items, d.answers) for d in devices]
    total = sum(score.value for score in scores)
    critical = sum(score.critical for score in scores)
    before = _site_exact(total, len(scores), critical)
    actions: list[Action] = []
    for device, score in zip(devices, scores, strict=True):
        found = device.gains
        for gain in gains(device.findings, device.items, device.answers) if found is None \
                else found:
            after_critical = critical - score.critical + gain.critical_after
            after = _site_exact(total - score.value + gain.value_after, len(scores), after_critical)
            actions.append(
                Action(
                    device=device.label,
                    key=device.key,
                    text=gain.step.text,
                    detail=gain.step.detail,
                    points=gain.points,
                    site_points=round(after - before, 2),
                    item_id=gain.step.item_id,
                    finding_ids=tuple(f.id for f in gain.step.removes),
                    urgent=gain.step.urgent,
                )
            )
    actions.sort(key=lambda a: (not a.urgent, -a.site_points, -a.points, not a.finding_ids,
                                a.device, a.text))
    return tuple(actions[: max(0, limit)])


def _site_exact(total: int, count: int, critical: int) -> float:
    mean = total / count if count else 0.0
    return min(mean, SITE_CRITICAL_CAP) if critical else mean


def _site_value(total: int, count: int, critical: int) -> int:
    return _round(_site_exact(total, count, critical))


def _round(value: float) -> int:
    return int(value + 0.5)
