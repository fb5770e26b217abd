"""Checklist data shapes and the strict reader that turns a checklist TOML table into them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from core.datafiles import fields
from core.datafiles.findings import NAME as FINDINGS
from core.datafiles.findings import bundled
from core.datafiles.references import Reference, check_refs, load_references
from core.models import Category

CHOICE_ANSWERS = ("yes", "no", "na", "unsure")  # "yes" is always the safe answer
_REQUIRED = ("id", "track", "question", "why", "how", "action", "answer", "refs")
_OPTIONAL = ("weight", "answered_by", "contradicted_by", "how_by_vendor")


class AnswerType(StrEnum):
    CHOICE = "choice"  # yes / no / not applicable / not sure
    DATE = "date"  # an ISO date, e.g. 2027-03-31
    TEXT = "text"  # free text (a name, a purpose)


@dataclass(frozen=True, slots=True)
class Track:
    """One of the six areas every device is walked through, with a plain-words title."""

    id: str
    title: str
    intro: str


TRACKS: tuple[Track, ...] = (
    Track("passwords", "Passwords", "Who can get into the device."),
    Track("updates", "Updates", "Keeping the device's built-in software current."),
    Track("encryption", "Encryption", "Keeping what the device sends private."),
    Track("placement", "Network placement", "Which network the device lives on."),
    Track("physical", "Power and physical", "Switching off, covering up and keeping out of reach."),
    Track("governance", "Ownership and lifecycle", "Who is responsible, and how it is retired."),
)
TRACK_IDS: tuple[str, ...] = tuple(track.id for track in TRACKS)


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One plain question on a device's checklist, with why, how, references and evidence links."""

    id: str
    track: str
    question: str
    why: str
    how: str  # generic instructions
    action: str  # the imperative a "next best action" shows ("Change the password it came with")
    answer_type: AnswerType
    refs: tuple[str, ...]
    weight: int = 1  # 1..3: how much this item counts in the checklist part of the score
    answered_by: tuple[tuple[str, str], ...] = ()  # (finding id, implied answer)
    contradicted_by: tuple[str, ...] = ()  # finding ids that contradict a "yes" / "na"
    category: Category | None = None  # None: shared base item
    how_by_category: Mapping[Category, str] = field(
        default_factory=lambda: MappingProxyType({}), hash=False, compare=False
    )
    how_by_vendor: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), hash=False, compare=False
    )
    # Every finding id this item links to (answering or contradicting); computed once because
    # scoring asks for it on every step of every device.
    finding_ids: tuple[str, ...] = field(init=False, default=(), compare=False)

    def __post_init__(self) -> None:
        linked = tuple(fid for fid, _ in self.answered_by) + self.contradicted_by
        object.__setattr__(self, "finding_ids", linked)


@dataclass(frozen=True, slots=True)
class Links:
    """What checklist items may cite: reference clauses and finding ids."""

    refs: Mapping[str, Reference] = field(hash=False, compare=False)
    findings: frozenset[str]


def bundled_links() -> Links:
    """The bundled references and finding catalogue."""
    return Links(refs=load_references(), findings=frozenset(bundled()))


def parse_item(
    raw: Mapping[str, Any], where: str, category: Category | None, links: Links | None = None
) -> ChecklistItem:
    """Validate one `[[item]]` table; raise DataFileError naming the file, item and key."""
    label = f"{where}: item {raw.get('id', '?')!r}"
    fields.table(raw, label, _REQUIRED, _OPTIONAL)
    item_id = fields.ident(raw, "id", label)
    track = fields.choice(raw["track"], "track", label, TRACK_IDS)
    links = links or bundled_links()
    answer_type = fields.enum(raw, "answer", label, AnswerType)
    refs = fields.strings(raw, "refs", label)
    check_refs(refs, label, links.refs)
    answered_by = _answered_by(raw.get("answered_by", []), answer_type, label)
    contradicted_by = fields.strings(raw, "contradicted_by", label, default=[])
    finding_ids = [fid for fid, _ in answered_by]
    fields.known(finding_ids, "answered_by", label, links.findings.__contains__, FINDINGS)
    fields.known(contradicted_by, "contradicted_by", label, links.findings.__contains__, FINDINGS)
    return ChecklistItem(
        id=item_id,
        track=track,
        question=fields.text(raw, "question", label),
        why=fields.text(raw, "why", label),
        how=fields.text(raw, "how", label),
        action=fields.text(raw, "action", label),
        answer_type=answer_type,
        refs=refs,
        weight=fields.integer(raw, "weight", label, 1, 3, default=1),
        answered_by=answered_by,
        contradicted_by=contradicted_by,
        category=category,
        how_by_vendor=_how_by_vendor(raw.get("how_by_vendor", {}), label),
    )


def _answered_by(value: Any, answer_type: AnswerType, label: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for index, entry in enumerate(value if isinstance(value, list) else [value], 1):
        where = f"{label}: answered_by #{index}"
        fields.table(entry, where, ("finding", "answer"))
        if answer_type is not AnswerType.CHOICE:
            raise fields.fail(where, "a finding can only imply yes/no/na/unsure to a choice item")
        answer = fields.choice(entry["answer"], "answer", where, CHOICE_ANSWERS)
        pairs.append((fields.text(entry, "finding", where), answer))
    return tuple(pairs)


def _how_by_vendor(value: Any, label: str) -> Mapping[str, str]:
    return MappingProxyType(text_table(value, label, "how_by_vendor", lower_keys=True))


def text_table(value: Any, label: str, name: str, lower_keys: bool = False) -> dict[str, str]:
    """A TOML table of key -> non-empty text, whitespace folded; DataFileError otherwise."""
    if not isinstance(value, dict):
        raise fields.fail(label, f"{name} must map names to non-empty text")
    return {
        (k.lower() if lower_keys else k): fields.text(value, k, f"{label}: {name}")
        for k in value
    }
