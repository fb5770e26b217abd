"""Checklists as data: load resources/checklists/*.toml and pick the items for one device."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from core.datafiles import fields
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
    Links,
    Track,
    bundled_links,
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


@dataclass(frozen=True, slots=True)
class ChecklistFile:
    """One checklist file as read: its items, title and instructions for other files' items."""

    name: str
    category: Category | None  # None: base.toml
    title: str
    items: tuple[ChecklistItem, ...]
    how: Mapping[str, str] = field(hash=False, compare=False)  # base item id -> text
    vendor_how: Mapping[str, Mapping[str, str]] = field(hash=False, compare=False)


def file_names() -> tuple[tuple[str, Category | None], ...]:
    """Every checklist file name with the category it holds (None: the shared base)."""
    return (("base.toml", None), *((f"{c.value}.toml", c) for c in Category))


@cache
def load_catalog(path: Path | None = None) -> ChecklistCatalog:
    """Read and validate every checklist file in `path` (default: the bundled resources)."""
    return read_catalog(path or resource("checklists"), bundled_links())


def read_catalog(folder: Path, links: Links) -> ChecklistCatalog:
    """Every checklist file in `folder`, checked against `links`; DataFileError on any fault."""
    files = [read_file(folder, name, category, links) for name, category in file_names()]
    how: dict[str, dict[Category, str]] = {}
    vendor_how: dict[str, dict[str, str]] = {}
    for one in files:
        for item_id, text in one.how.items():
            if one.category is not None:
                how.setdefault(item_id, {})[one.category] = text
        for vendor, table in one.vendor_how.items():
            for item_id, text in table.items():
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
            for item in files[0].items
        ),
        by_category=MappingProxyType({f.category: f.items for f in files if f.category}),
        titles=MappingProxyType({f.category: f.title for f in files if f.category}),
    )
    _check_links(catalog, set(how), vendor_how)
    return _with_vendor_how(catalog, vendor_how)


def read_file(folder: Path, name: str, category: Category | None, links: Links) -> ChecklistFile:
    """One checklist file, strictly: DataFileError naming the file, the item and the key."""
    label = f"{folder.name}/{name}"
    data = fields.read_toml(folder / name, label)
    if category is None:
        fields.table(data, label, (), ("item",))
        title = "Every device"
    else:
        fields.table(data, label, ("category", "title"), ("item", "how", "vendor_how"))
        fields.choice(data["category"], "category", label, (category.value,))
        title = fields.text(data, "title", label)
    vendor_how = {
        vendor: MappingProxyType(text_table(table, label, f"vendor_how.{vendor}"))
        for vendor, table in _tables(data.get("vendor_how", {}), label).items()
    }
    items = fields.tables(data, "item", label)
    return ChecklistFile(
        name=name,
        category=category,
        title=title,
        items=tuple(parse_item(raw, label, category, links) for raw in items),
        how=MappingProxyType(text_table(data.get("how", {}), label, "how")),
        vendor_how=MappingProxyType(vendor_how),
    )


def items_for(category: Category, vendor: str = "") -> tuple[ChecklistItem, ...]:
    """The bundled checklist for a device: base + category items in track order.

    `vendor` does not change which items apply; pass it to `how_for` for vendor instructions.
    """
    del vendor  # accepted for the GUI contract; instructions are chosen by how_for
    return load_catalog().items_for(category)


def how_for(item: ChecklistItem, category: Category, vendor: str = "", ip: str = "") -> str:
    """The most specific instructions (vendor's, category's, generic), with the device's address."""
    return _with_address(_most_specific(item, category, vendor), ip)


def _most_specific(item: ChecklistItem, category: Category, vendor: str) -> str:
    vendor_words = vendor.lower()
    for keys, text in item.how_by_vendor.items():
        if any(_vendor_matches(key, vendor_words) for key in keys.split("|")):
            return text
    return item.how_by_category.get(category, item.how)


def _with_address(text: str, ip: str) -> str:
    """`<ip>` in the data becomes the device's own address (ADDRESS when there is none)."""
    return text.replace("<ip>", ip or "ADDRESS")


def _vendor_matches(key: str, vendor_words: str) -> bool:
    return (
        bool(key)
        and re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", vendor_words) is not None
    )


def _tables(value: Any, label: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise fields.fail(label, "vendor_how holds one table per vendor")
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
