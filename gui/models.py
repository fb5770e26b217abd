"""The device table: a QAbstractTableModel over device rows and the search/filter proxy on top."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QFont

from core.assessment import DeviceAssessment
from core.models import Category, Device, Severity, Tag
from gui.colours import missing_grey, severity_text
from gui.guard import qt_virtual
from gui.icons import category_icon, severity_icon
from gui.text import TABLE_LIMIT, clean

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)
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
    live: bool = False  # found by the running scan, not saved yet (a new device)

    @property
    def display_name(self) -> str:
        return self.name or self.device.label

    @property
    def model(self) -> str:
        """The model as the assessment identified it (discovery first, else a fingerprint)."""
        known = self.assessment.identity.model if self.assessment is not None else ""
        return known or self.device.model

    @property
    def worst(self) -> Severity | None:
        return self.open_counts[0][0] if self.open_counts else None

    @property
    def missing(self) -> bool:
        """A saved device the latest scan did not see (False while a scan streams rows)."""
        return self.assessment is not None and not self.assessment.in_latest_scan

    @property
    def kept(self) -> bool:
        """A person keeps this device counted in the site score though the scan missed it."""
        return self.assessment is not None and self.assessment.record.kept

    def with_haystack(self) -> DeviceRow:
        d = self.device
        parts = (self.display_name, d.label, d.vendor, self.model, d.mac, *d.ips, *d.hostnames)
        return replace(self, haystack=" ".join(parts).casefold())


def open_counts_of(device: Device) -> tuple[tuple[Severity, int], ...]:
    """Findings per severity, worst first, for a device whose findings are all open."""
    counts = {s: 0 for s in SEVERITY_ORDER}
    for finding in device.findings:
        counts[finding.severity] += 1
    return tuple((s, n) for s, n in counts.items() if n and s is not Severity.INFO)


def live_text() -> str:
    """The Open issues cell of a device the running scan found but has not saved yet."""
    return _tr("New — not saved yet")


def missing_text(row: DeviceRow) -> str:
    """Why a row is greyed (or, once kept, why it still counts)."""
    if row.kept:
        return _tr("Not in the latest scan; kept counted in the site score (Device > Keep it "
                   "counted to stop).")
    return _tr("Not in the latest scan, so not counted in the site score. If it is only "
               "switched off, use Device > Keep it counted.")


def issues_text(counts: tuple[tuple[Severity, int], ...]) -> str:
    if not counts:
        return _tr("None")
    return ", ".join(f"{n} {severity_name(s).lower()}" for s, n in counts)


class DeviceTableModel(QAbstractTableModel):
    """Rows keyed by MAC (one row per MAC); upsert() adds or refreshes a row as devices stream
    in. Every Qt virtual here is guarded: an error becomes an empty cell and a crash report,
    never an exception inside Qt's call."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DeviceRow] = []
        self._row_of: dict[str, int] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._italic = QFont()
        self._italic.setItalic(True)

    # -- reading
    @property
    def rows(self) -> list[DeviceRow]:
        return self._rows

    def row_for(self, mac: str) -> DeviceRow | None:
        index = self._row_of.get(mac)
        return self._rows[index] if index is not None else None

    def row_at(self, position: int) -> DeviceRow | None:
        """The row at this position, or None when out of range (never raises)."""
        return self._rows[position] if 0 <= position < len(self._rows) else None

    @qt_virtual(0)
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    @qt_virtual(0)
    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    @qt_virtual(None)
    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return _tr(HEADERS[section])
        return None

    @qt_virtual(None)
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.column() < len(Column):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DecorationRole and column == Column.CATEGORY:
            return category_icon(row.device.category)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.ISSUES and row.worst:
            return severity_icon(row.worst)  # a shape per severity; the words are in the cell
        if role == Qt.ItemDataRole.ForegroundRole and row.missing and not row.kept:
            return QBrush(missing_grey())  # greyed: not counted in the site score
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.ISSUES and row.worst:
            return QBrush(severity_text(row.worst))  # the words are always shown too
        if role == Qt.ItemDataRole.ToolTipRole and row.missing and column != Column.CATEGORY:
            return missing_text(row)
        if role == Qt.ItemDataRole.FontRole and (row.live or (column == Column.MAC
                                                          and row.device.mac_random)):
            return self._italic
        if role == Qt.ItemDataRole.ToolTipRole and row.live and column != Column.CATEGORY:
            return _tr("New: found by this scan, not saved yet. It is saved when the scan "
                       "finishes, and dropped if the scan is cancelled.")
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
            return clean(row.model, TABLE_LIMIT) or "—"
        if column == Column.IP:
            return d.ip or "—"
        if column == Column.MAC:
            return f"{d.mac}  ({_tr('private')})" if d.mac_random else d.mac
        if column == Column.TAG:
            return tag_name(row.tag)
        if column == Column.SCORE:
            return "—" if row.score is None else str(row.score)
        if row.live:
            return live_text()
        return issues_text(row.open_counts)

    # -- changing
    def set_rows(self, rows: list[DeviceRow]) -> None:
        """Replace every row; a MAC given twice keeps its first place and its last row."""
        unique: dict[str, DeviceRow] = {}
        for row in rows:
            unique[row.device.mac] = row if row.haystack else row.with_haystack()
        self.beginResetModel()
        self._rows = list(unique.values())
        if self._sort:
            self._rows.sort(key=sort_key(self._sort[0]),
                            reverse=self._sort[1] == Qt.SortOrder.DescendingOrder)
        self._reindex()
        self.endResetModel()

    def upsert(self, row: DeviceRow) -> None:
        """Add a row, or replace the row with the same MAC (a richer report of the same device)."""
        self.upsert_many([row])

    def upsert_many(self, rows: list[DeviceRow], keep_sorted: bool = True) -> None:
        """Replace known devices in place and add new ones (one insert, then one re-sort);
        with keep_sorted False new rows go to the end, as a live scan shows them."""
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
        if (fresh or changed) and self._sort and keep_sorted:
            self._resort()  # a changed name or score can move a known row, too

    def remove(self, mac: str) -> bool:
        """Drop the row with this MAC; False when there is none."""
        return self.remove_many([mac]) == 1

    def remove_many(self, macs: list[str]) -> int:
        """Drop the rows with these MACs (one removal per run of neighbours); returns how many."""
        positions = sorted({self._row_of[m] for m in macs if m in self._row_of}, reverse=True)
        removed = 0
        while positions:
            last = first = positions.pop(0)
            while positions and positions[0] == first - 1:
                first = positions.pop(0)
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first:last + 1]
            self._reindex()
            self.endRemoveRows()
            removed += last - first + 1
        return removed

    def _insert_sorted(self, row: DeviceRow) -> None:
        position = self._insert_position(row)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, row)
        self._reindex()
        self.endInsertRows()

    def clear(self) -> None:
        self.set_rows([])

    @qt_virtual(None)
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python on precomputed keys (fast), keeping selections on the same devices."""
        if not 0 <= column < len(Column):
            self._sort = None
            return
        self._sort = (column, order)
        self._resort(always=True)

    def _resort(self, always: bool = False) -> None:
        """Put the rows in the kept order; no layout signal when they already are."""
        if not self._sort:
            return
        column, order = self._sort
        ordered = sorted(self._rows, key=sort_key(column),
                         reverse=order == Qt.SortOrder.DescendingOrder)
        if not always and all(a is b for a, b in zip(ordered, self._rows, strict=True)):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        macs = [self._rows[i.row()].device.mac for i in before]
        self._rows = ordered
        self._reindex()
        after = [self.index(self._row_of[mac], i.column()) for mac, i in zip(macs, before,
                                                                               strict=True)]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _insert_position(self, row: DeviceRow) -> int:
        if not self._sort:
            return len(self._rows)
        key = sort_key(self._sort[0])
        mine = key(row)
        descending = self._sort[1] == Qt.SortOrder.DescendingOrder
        for position, other in enumerate(self._rows):
            theirs = key(other)
            if (mine > theirs) if descending else (mine < theirs):
                return position
        return len(self._rows)

    def _reindex(self) -> None:
        self._row_of = {r.device.mac: i for i, r in enumerate(self._rows)}


SortKey = tuple[int | str, ...]


def sort_key(column: int) -> Callable[[DeviceRow], SortKey]:
    """The key the table sorts a column by (ascending; descending reverses it)."""
    return _SORT_KEYS[Column(column)]


def _name_key(r: DeviceRow) -> str:
    return r.display_name.casefold()


_SORT_KEYS: dict[Column, Callable[[DeviceRow], SortKey]] = {
    Column.CATEGORY: lambda r: (r.device.category.value, _name_key(r)),
    Column.NAME: lambda r: (_name_key(r),),
    Column.VENDOR: lambda r: (r.device.vendor.casefold(), _name_key(r)),
    Column.MODEL: lambda r: (r.model.casefold(), _name_key(r)),
    Column.IP: lambda r: _ip_key(r.device.ip),
    Column.MAC: lambda r: (r.device.mac,),
    Column.TAG: lambda r: (r.tag.value, _name_key(r)),
    Column.SCORE: lambda r: (-1 if r.score is None else r.score,),
    Column.ISSUES: lambda r: (*(dict(r.open_counts).get(s, 0) for s in SEVERITY_ORDER),
                              _name_key(r)),
}


def _ip_key(ip: str) -> tuple[int, int]:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return (9, 0)
    return (address.version, int(address))
