"""Checklist items answered by the device record itself (owner, place, dates, tag): one truth."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# Item id -> the device record field that holds its answer. The wizard and the Notes & owner tab
# read and write the same field; a separate checklist answer for these items is never kept,
# except "unsure" ("I don't know") while the field is empty.
ITEM_FIELDS: Mapping[str, str] = MappingProxyType({
    "gov-owner": "owner",
    "gov-location": "location",
    "upd-support-end": "support_end",
    "gov-review-date": "review_date",
    "pl-tagged": "tag",
})
UNKNOWN_TAG = "unknown"
UNSURE = "unsure"


def field_answer(item_id: str, value: str) -> str:
    """The checklist answer a record field gives its item ("" when the field says nothing)."""
    value = (value or "").strip()
    if ITEM_FIELDS.get(item_id) == "tag":
        return "yes" if value and value != UNKNOWN_TAG else ""
    return value


def with_record(answers: Mapping[str, str], record: Mapping[str, str]) -> dict[str, str]:
    """`answers` with every field-backed item answered from `record` (field name -> value).

    The record wins; a stored answer for such an item survives only as "unsure" while the
    record's field is empty (the person said "I don't know").
    """
    merged = {k: v for k, v in answers.items() if k not in ITEM_FIELDS}
    for item_id, field_name in ITEM_FIELDS.items():
        value = field_answer(item_id, record.get(field_name, ""))
        if value:
            merged[item_id] = value
        elif (answers.get(item_id) or "").strip().lower() == UNSURE:
            merged[item_id] = UNSURE
    return merged
