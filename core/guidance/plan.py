"""A device's checklist plan: a few essential questions first, the rest optional, evidence apart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.guidance.evidence import ChecklistProgress, evidence_for, progress
from core.guidance.schema import ChecklistItem
from core.models import Finding

ESSENTIALS = 8  # a person finishes this many questions per device in a few minutes
_SAFE = ("yes", "na")


@dataclass(frozen=True, slots=True)
class ChecklistPlan:
    """Which questions to ask first, which are optional, which the scan already settled."""

    essentials: tuple[ChecklistItem, ...]
    more: tuple[ChecklistItem, ...]
    by_evidence: tuple[ChecklistItem, ...]  # the scan answered these safely: shown, not asked
    essentials_progress: ChecklistProgress
    more_progress: ChecklistProgress

    @property
    def essentials_done(self) -> bool:
        return self.essentials_progress.answered == self.essentials_progress.total

    @property
    def asked(self) -> tuple[ChecklistItem, ...]:
        """Essentials first, then the optional ones."""
        return self.essentials + self.more


def checklist_plan(items: Sequence[ChecklistItem], findings: Sequence[Finding] = (),
                   answers: Mapping[str, str] | None = None,
                   limit: int = ESSENTIALS) -> ChecklistPlan:
    """Essentials chosen by what the scan found on this device (worst first), then by weight."""
    answers = answers or {}
    settled = tuple(i for i in items if _settled(i, findings))
    open_items = [(n, i) for n, i in enumerate(items) if i not in settled]
    worst: dict[str, int] = {}
    for finding in findings:
        worst[finding.id] = max(worst.get(finding.id, -1), finding.severity.rank)

    def urgency(item: ChecklistItem) -> int:
        """The worst severity the scan found among the item's findings (-1: none found)."""
        return max((worst[fid] for fid in item.finding_ids if fid in worst), default=-1)

    ranked = sorted(open_items, key=lambda pair: (-urgency(pair[1]), -pair[1].weight, pair[0]))
    chosen = {item.id for _, item in ranked[:max(0, limit)]}
    essentials = tuple(i for _, i in ranked if i.id in chosen)
    more = tuple(i for _, i in open_items if i.id not in chosen)
    return ChecklistPlan(essentials, more, settled, progress(essentials, answers, findings),
                         progress(more, answers, findings))


def _settled(item: ChecklistItem, findings: Sequence[Finding]) -> bool:
    """The scan's evidence answers the item safely (e.g. "no telnet port open")."""
    return evidence_for(item, findings, None).pre_answer in _SAFE
