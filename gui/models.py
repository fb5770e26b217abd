"""The device table: a QAbstractTableModel over device rows and the search/filter proxy on top."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon

from core.assessment import DeviceAssessment
from core.models import Category, Device, Severity, Tag
from core.paths import resource
from gui.text import TABLE_LIMIT, clean

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)
# Severity colours readable on light and dark backgrounds; the word is always shown too.
SEVERITY_COLOURS = {Severity.CRITICAL: "#d0312d", Severity.HIGH: "#e0682b",
                    Severity.MEDIUM: "#a87b00", Severity.LOW: "#3f88c5", Severity.INFO: "#808080"}
AnyIndex = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("models", text)


def category_name(category: Category) -> str:
    names = {Category.PRINTER: "Printer", Category.CAMERA: "Camera", Category.MEDIA: "TV / speaker",
             Category.SMART_HOME: "Smart home", Category.NAS: "Storage (NAS)",
             Category.ROUTER: "Router / Wi-Fi", Category.PHONE: "Phone / tablet",
             Category.COMPUTER: "Computer", Category.UNKNOWN: "Unknown"}
    return _tr(names[category])


def tag_name(tag: Tag) -> str:
    names = {Tag.HOME: "Home", Tag.WORK: "Work", Tag.GUEST: "Guest", Tag.UNKNOWN: "Not tagged"}
    return _tr(names[tag])


def severity_name(severity: Severity) -> str:
    return _tr(severity.value.capitalize())


class Column(IntEnum):
    CATEGORY = 0
    NAME = 1
    VENDOR = 2
    MODEL = 3
    IP = 4
    MAC = 5
    TAG = 6
    SCORE = 7
    ISSUES = 8


HEADERS = ("", "Name", "Vendor", "Model", "IP address", "MAC address", "Tag", "Score",
           "Open issues")


@dataclass(frozen=True)
class DeviceRow:
    """One table row: the latest Device plus what the user and the scoring added."""

    device: Device
    name: str = ""  # the user's own name for it; empty means use device.label
    tag: Tag = Tag.UNKNOWN
    score: int | None = None
    open_counts: tuple[tuple[Severity, int], ...] = ()  # only severities with a count > 0
    haystack: str = field(default="", compare=False)
    assessment: DeviceAssessment | None = field(default=None, compare=False)  # None while live

    @property
    def display_name(self) -> str:
        return self.name or self.device.label

    @property
    def worst(self) -> Severity | None:
        return self.open_counts[0][0] if self.open_counts else None

    def with_haystack(self) -> DeviceRow:
        d = self.device
        parts = (self.display_name, d.label, d.vendor, d.model, d.mac, *d.ips, *d.hostnames)
        return replace(self, haystack=" ".join(parts).casefold())


def open_counts_of(device: Device) -> tuple[tuple[Severity, int], ...]:
    """Findings per severity, worst first, for a device whose findings are all open."""
    counts = {s: 0 for s in SEVERITY_ORDER}
    for finding in device.findings:
        counts[finding.severity] += 1
    return tuple((s, n) for s, n in counts.items() if n and s is not Severity.INFO)


def issues_text(counts: tuple[tuple[Severity, int], ...]) -> str:
    if not counts:
        return _tr("None")
    return ", ".join(f"{n} {severity_name(s).lower()}" for s, n in counts)


class DeviceTableModel(QAbstractTableModel):
    """Rows keyed by MAC; upsert() adds or refreshes a row as devices stream in."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DeviceRow] = []
        self._row_of: dict[str, int] = {}
        self.generation = 0  # bumped on every change, so filters know their cache is stale
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._icons = {c: QIcon(str(resource("icons", f"{c.value}.svg"))) for c in Category}
        self._italic = QFont()
        self._italic.setItalic(True)

    # -- reading
    @property
    def rows(self) -> list[DeviceRow]:
        return self._rows

    def row_for(self, mac: str) -> DeviceRow | None:
        index = self._row_of.get(mac)
        return self._rows[index] if index is not None else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(HEADERS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DecorationRole and column == Column.CATEGORY:
            return self._icons[row.device.category]
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.ISSUES and row.worst:
            return QBrush(QColor(SEVERITY_COLOURS[row.worst]))
        if role == Qt.ItemDataRole.FontRole and column == Column.MAC and row.device.mac_random:
            return self._italic
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.CATEGORY:
            return category_name(row.device.category)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == Column.CATEGORY:
            return category_name(row.device.category)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.MAC and row.device.mac_random:
            return _tr("A private (random) address: phones and laptops use these for privacy, "
                       "so the maker cannot be read from it.")
        return None

    def _display(self, row: DeviceRow, column: int) -> str:
        d = row.device
        if column == Column.CATEGORY:
            return ""  # the icon; its name is the tooltip and the filter
        if column == Column.NAME:
            return clean(row.display_name, TABLE_LIMIT)
        if column == Column.VENDOR:
            return clean(d.vendor, TABLE_LIMIT) or "—"
        if column == Column.MODEL:
            return clean(d.model, TABLE_LIMIT) or "—"
        if column == Column.IP:
            return d.ip or "—"
        if column == Column.MAC:
            return f"{d.mac}  ({_tr('private')})" if d.mac_random else d.mac
        if column == Column.TAG:
            return tag_name(row.tag)
        if column == Column.SCORE:
            return "—" if row.score is None else str(row.score)
        return issues_text(row.open_counts)

    # -- changing
    def set_rows(self, rows: list[DeviceRow]) -> None:
        self.generation += 1
        self.beginResetModel()
        self._rows = [r if r.haystack else r.with_haystack() for r in rows]
        if self._sort:
            self._rows.sort(key=self._key_func(self._sort[0]),
                            reverse=self._sort[1] == Qt.SortOrder.DescendingOrder)
        self._reindex()
        self.endResetModel()

    def upsert(self, row: DeviceRow) -> None:
        """Add a row, or replace the row with the same MAC (a richer report of the same device)."""
        self.upsert_many([row])

    def upsert_many(self, rows: list[DeviceRow], keep_sorted: bool = True) -> None:
        """Replace known devices in place and add new ones (one insert, then one re-sort);
        with keep_sorted False new rows go to the end, as a live scan shows them."""
        self.generation += 1
        fresh: dict[str, DeviceRow] = {}
        changed: list[int] = []
        for row in rows:
            row = row if row.haystack else row.with_haystack()
            existing = self._row_of.get(row.device.mac)
            if existing is None:
                fresh[row.device.mac] = row
                continue
            self._rows[existing] = row
            changed.append(existing)
        if changed:  # one signal for the whole span: fewer trips between Python and Qt
            self.dataChanged.emit(self.index(min(changed), 0),
                                  self.index(max(changed), len(Column) - 1))
        if len(fresh) == 1 and self._sort and keep_sorted:
            self._insert_sorted(next(iter(fresh.values())))
        elif fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh.values())
            self._reindex()
            self.endInsertRows()
            if self._sort and keep_sorted:
                self.sort(*self._sort)

    def _insert_sorted(self, row: DeviceRow) -> None:
        position = self._insert_position(row)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, row)
        self._reindex()
        self.endInsertRows()

    def clear(self) -> None:
        self.set_rows([])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python on precomputed keys (fast), keeping selections on the same devices."""
        if not 0 <= column < len(Column):
            self._sort = None
            return
        self.generation += 1
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        macs = [self._rows[i.row()].device.mac for i in before]
        self._rows.sort(key=self._key_func(column),
                        reverse=order == Qt.SortOrder.DescendingOrder)
        self._reindex()
        after = [self.index(self._row_of[mac], i.column()) for mac, i in zip(macs, before,
                                                                               strict=True)]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _insert_position(self, row: DeviceRow) -> int:
        if not self._sort:
            return len(self._rows)
        key = self._key_func(self._sort[0])
        mine = key(row)
        descending = self._sort[1] == Qt.SortOrder.DescendingOrder
        for position, other in enumerate(self._rows):
            theirs = key(other)
            if (mine > theirs) if descending else (mine < theirs):
                return position
        return len(self._rows)

    def _reindex(self) -> None:
        self._row_of = {r.device.mac: i for i, r in enumerate(self._rows)}

    @staticmethod
    def _key_func(column: int) -> Any:
        keys = {
            Column.CATEGORY: lambda r: (r.device.category.value, r.display_name.casefold()),
            Column.NAME: lambda r: r.display_name.casefold(),
            Column.VENDOR: lambda r: (r.device.vendor.casefold(), r.display_name.casefold()),
            Column.MODEL: lambda r: (r.device.model.casefold(), r.display_name.casefold()),
            Column.IP: lambda r: _ip_key(r.device.ip),
            Column.MAC: lambda r: r.device.mac,
            Column.TAG: lambda r: (r.tag.value, r.display_name.casefold()),
            Column.SCORE: lambda r: -1 if r.score is None else r.score,
            Column.ISSUES: lambda r: (*(dict(r.open_counts).get(s, 0) for s in SEVERITY_ORDER),
                                      r.display_name.casefold()),
        }
        return keys[Column(column)]


def _ip_key(ip: str) -> tuple[int, int]:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return (9, 0)
    return (address.version, int(address))
