"""Checklist data shapes and the strict reader that turns a checklist TOML table into them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from core.errors import DataFileError
from core.guidance import references
from core.models import Category

CHOICE_ANSWERS = ("yes", "no", "na", "unsure")  # "yes" is always the safe answer
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
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

    @property
    def finding_ids(self) -> tuple[str, ...]:
        """Every finding id this item links to (answering or contradicting)."""
        return tuple(fid for fid, _ in self.answered_by) + self.contradicted_by


def parse_item(raw: Mapping[str, Any], where: str, category: Category | None) -> ChecklistItem:
    """Validate one `[[item]]` table; raise DataFileError naming the file and item on any fault."""
    label = f"{where}: item {raw.get('id', '?')!r}"
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
    missing = [key for key in _REQUIRED if key not in raw]
    if unknown or missing:
        raise DataFileError(f"{label}: unknown keys {sorted(unknown)}, missing keys {missing}.")
    text = {key: _text(raw, key, label) for key in ("id", "track", "question", "why", "how")}
    if not _ID.match(text["id"]):
        raise DataFileError(f"{label}: ids are lower-case words joined by '-'.")
    if text["track"] not in TRACK_IDS:
        raise DataFileError(f"{label}: track must be one of {', '.join(TRACK_IDS)}.")
    try:
        answer_type = AnswerType(raw["answer"])
    except ValueError:
        raise DataFileError(f"{label}: answer must be choice, date or text.") from None
    weight = raw.get("weight", 1)
    if not isinstance(weight, int) or not 1 <= weight <= 3:
        raise DataFileError(f"{label}: weight must be 1, 2 or 3.")
    return ChecklistItem(
        id=text["id"],
        track=text["track"],
        question=text["question"],
        why=text["why"],
        how=text["how"],
        action=_text(raw, "action", label),
        answer_type=answer_type,
        refs=_refs(raw["refs"], label),
        weight=weight,
        answered_by=_answered_by(raw.get("answered_by", []), answer_type, label),
        contradicted_by=tuple(_strings(raw.get("contradicted_by", []), label)),
        category=category,
        how_by_vendor=_how_by_vendor(raw.get("how_by_vendor", {}), label),
    )


def _text(raw: Mapping[str, Any], key: str, label: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(f"{label}: {key} must be non-empty text.")
    return " ".join(value.split())


def _strings(value: Any, label: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DataFileError(f"{label}: expected a list of non-empty strings, got {value!r}.")
    return value


def _refs(value: Any, label: str) -> tuple[str, ...]:
    refs = _strings(value, label)
    unknown = [ref for ref in refs if not references.is_known(ref)]
    if not refs or unknown:
        raise DataFileError(f"{label}: needs known references; unknown: {unknown}.")
    return tuple(refs)


def _answered_by(value: Any, answer_type: AnswerType, label: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for entry in value if isinstance(value, list) else [value]:
        if not isinstance(entry, dict) or set(entry) != {"finding", "answer"}:
            raise DataFileError(f"{label}: answered_by entries are {{finding, answer}} tables.")
        if answer_type is not AnswerType.CHOICE or entry["answer"] not in CHOICE_ANSWERS:
            raise DataFileError(f"{label}: a finding can only imply yes/no/na/unsure.")
        pairs.append((str(entry["finding"]), str(entry["answer"])))
    return tuple(pairs)


def _how_by_vendor(value: Any, label: str) -> Mapping[str, str]:
    return MappingProxyType(text_table(value, label, "how_by_vendor", lower_keys=True))


def text_table(value: Any, label: str, name: str, lower_keys: bool = False) -> dict[str, str]:
    """A TOML table of key -> non-empty text, whitespace folded; DataFileError otherwise."""
    if not isinstance(value, dict) or not all(
        isinstance(v, str) and v.strip() for v in value.values()
    ):
        raise DataFileError(f"{label}: {name} must map names to non-empty text.")
    return {(k.lower() if lower_keys else k): " ".join(v.split()) for k, v in value.items()}
