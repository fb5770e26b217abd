"""Checklists as data: load resources/checklists/*.toml and pick the items for one device."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from core.errors import DataFileError
from core.guidance.evidence import (
    ChecklistProgress,
    Evidence,
    TrackProgress,
    evidence_for,
    is_done,
    progress,
)
from core.guidance.schema import (
    CHOICE_ANSWERS,
    TRACK_IDS,
    TRACKS,
    AnswerType,
    ChecklistItem,
    Track,
    parse_item,
    text_table,
)
from core.models import Category
from core.paths import resource

__all__ = [
    "CHOICE_ANSWERS",
    "TRACKS",
    "AnswerType",
    "ChecklistCatalog",
    "ChecklistItem",
    "ChecklistProgress",
    "Evidence",
    "Track",
    "TrackProgress",
    "evidence_for",
    "how_for",
    "is_done",
    "items_for",
    "load_catalog",
    "progress",
]


@dataclass(frozen=True, slots=True)
class ChecklistCatalog:
    """Every checklist item: the shared base plus each category's own items."""

    base: tuple[ChecklistItem, ...]
    by_category: Mapping[Category, tuple[ChecklistItem, ...]] = field(hash=False, compare=False)
    titles: Mapping[Category, str] = field(hash=False, compare=False)

    def items_for(self, category: Category) -> tuple[ChecklistItem, ...]:
        """Base items plus the category's items, ordered by track (base first within a track)."""
        items = self.base + self.by_category.get(category, ())
        return tuple(sorted(items, key=lambda item: TRACK_IDS.index(item.track)))

    def all_items(self) -> tuple[ChecklistItem, ...]:
        return self.base + tuple(i for items in self.by_category.values() for i in items)

    def item(self, item_id: str) -> ChecklistItem:
        """The item with this id; KeyError if there is none."""
        for candidate in self.all_items():
            if candidate.id == item_id:
                return candidate
        raise KeyError(item_id)


@cache
def load_catalog(path: Path | None = None) -> ChecklistCatalog:
    """Read and validate every checklist file in `path` (default: the bundled resources)."""
    folder = path or resource("checklists")
    base_items = _items(_read(folder / "base.toml"), "base.toml", None)
    by_category: dict[Category, tuple[ChecklistItem, ...]] = {}
    titles: dict[Category, str] = {}
    how: dict[str, dict[Category, str]] = {}
    vendor_how: dict[str, dict[str, str]] = {}
    for category in Category:
        name = f"{category.value}.toml"
        data = _read(folder / name)
        if data.get("category") != category.value or not isinstance(data.get("title"), str):
            raise DataFileError(f"{name}: needs category = {category.value!r} and a title.")
        titles[category] = data["title"]
        by_category[category] = _items(data, name, category)
        for item_id, text in text_table(data.get("how", {}), name, "how").items():
            how.setdefault(item_id, {})[category] = text
        for vendor, table in _tables(data.get("vendor_how", {}), name).items():
            for item_id, text in text_table(table, name, f"vendor_how.{vendor}").items():
                vendor_how.setdefault(item_id, {})[vendor.lower()] = text
    catalog = ChecklistCatalog(
        base=tuple(
            replace(
                item,
                how_by_category=MappingProxyType(how.pop(item.id, {})),
                how_by_vendor=MappingProxyType(
                    {**item.how_by_vendor, **vendor_how.get(item.id, {})}
                ),
            )
            for item in base_items
        ),
        by_category=MappingProxyType(by_category),
        titles=MappingProxyType(titles),
    )
    _check_links(catalog, set(how), vendor_how)
    return _with_vendor_how(catalog, vendor_how)


def items_for(category: Category, vendor: str = "") -> tuple[ChecklistItem, ...]:
    """The bundled checklist for a device: base + category items in track order.

    `vendor` does not change which items apply; pass it to `how_for` for vendor instructions.
    """
    del vendor  # accepted for the GUI contract; instructions are chosen by how_for
    return load_catalog().items_for(category)


def how_for(item: ChecklistItem, category: Category, vendor: str = "") -> str:
    """The most specific instructions: the vendor's, else the category's, else the generic text."""
    vendor_words = vendor.lower()
    for keys, text in item.how_by_vendor.items():
        if any(_vendor_matches(key, vendor_words) for key in keys.split("|")):
            return text
    return item.how_by_category.get(category, item.how)


def _vendor_matches(key: str, vendor_words: str) -> bool:
    return (
        bool(key)
        and re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", vendor_words) is not None
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(f"Cannot read checklist file {path.name}: {exc}") from exc


def _items(
    data: Mapping[str, Any], name: str, category: Category | None
) -> tuple[ChecklistItem, ...]:
    raw_items = data.get("item", [])
    if not isinstance(raw_items, list) or not all(isinstance(raw, dict) for raw in raw_items):
        raise DataFileError(f"{name}: items are [[item]] tables.")
    return tuple(parse_item(raw, name, category) for raw in raw_items)


def _tables(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise DataFileError(f"{name}: vendor_how holds one table per vendor.")
    return value


def _check_links(
    catalog: ChecklistCatalog, how_ids: set[str], vendor_how: Mapping[str, Mapping[str, str]]
) -> None:
    ids = [item.id for item in catalog.all_items()]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DataFileError(f"Checklist item ids used twice: {duplicates}.")
    dangling = sorted(how_ids | (set(vendor_how) - set(ids)))  # how_ids: not a base item
    if dangling:
        raise DataFileError(f"Instructions given for unknown checklist items: {dangling}.")


def _with_vendor_how(
    catalog: ChecklistCatalog, vendor_how: Mapping[str, Mapping[str, str]]
) -> ChecklistCatalog:
    def attach(item: ChecklistItem) -> ChecklistItem:
        extra = vendor_how.get(item.id)
        if not extra or item.category is None:
            return item
        return replace(item, how_by_vendor=MappingProxyType({**item.how_by_vendor, **extra}))

    by_category = {cat: tuple(map(attach, items)) for cat, items in catalog.by_category.items()}
    return replace(catalog, by_category=MappingProxyType(by_category))
