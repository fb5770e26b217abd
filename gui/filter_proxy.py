"""The device table's filter proxy: search text plus category, tag and severity filters."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from core.models import Category, Tag
from gui.guard import qt_virtual
from gui.models import AnyIndex, DeviceRow, DeviceTableModel


class DeviceFilterProxy(QSortFilterProxyModel):
    """Search text plus category, tag and severity filters; sorting is delegated to the source.

    Rows are decided from the source row itself: no per-row cache lives across source changes
    (issue 11: a cache that missed an insert read past its end inside endInsertRows and took
    the process down). Only while a filter change re-asks about every row are the answers
    computed in one pass first; that list is dropped as soon as Qt is done.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._category: Category | None = None
        self._tag: Tag | None = None
        self._min_rank: int | None = None  # -1 means "no open issues"
        self._decided: list[bool] | None = None  # only while a filter change is being applied

    def set_search(self, text: str) -> None:
        self._change_rows(lambda: setattr(self, "_needle", text.strip().casefold()))

    def set_category(self, category: Category | None) -> None:
        self._change_rows(lambda: setattr(self, "_category", category))

    def set_tag(self, tag: Tag | None) -> None:
        self._change_rows(lambda: setattr(self, "_tag", tag))

    def set_min_severity(self, rank: int | None) -> None:
        """Show devices with an open issue at least this bad (-1: only devices with none)."""
        self._change_rows(lambda: setattr(self, "_min_rank", rank))

    def _change_rows(self, change: Callable[[], None]) -> None:
        """Apply a filter change with the API this Qt has (6.9+ brackets it, older invalidates)."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self._refilter(lambda: self.endFilterChange(QSortFilterProxyModel.Direction.Rows))
        else:
            change()
            self._refilter(self.invalidateRowsFilter)

    def _refilter(self, refilter: Callable[[], None]) -> None:
        """Decide every row in one Python pass, valid only while Qt re-asks about all rows
        (nothing can change the source meanwhile); then forget it, so no cache goes stale."""
        source = self.sourceModel()
        if isinstance(source, DeviceTableModel):
            self._decided = [self.accepts(row) for row in source.rows]
        try:
            refilter()
        finally:
            self._decided = None

    @qt_virtual(None)
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, DeviceTableModel):
            source.sort(column, order)

    @qt_virtual(False)
    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        source = self.sourceModel()
        if not isinstance(source, DeviceTableModel):
            return False
        rows = source.rows  # a flat table: Qt never asks about children
        decided = self._decided
        if decided is not None and len(decided) == len(rows):
            return 0 <= source_row < len(decided) and decided[source_row]
        return 0 <= source_row < len(rows) and self.accepts(rows[source_row])

    def accepts(self, row: DeviceRow) -> bool:
        """Whether the current search and filters show this row."""
        if self._needle and self._needle not in row.haystack:
            return False
        if self._category is not None and row.device.category is not self._category:
            return False
        if self._tag is not None and row.tag is not self._tag:
            return False
        if self._min_rank is not None:
            worst = row.worst
            if self._min_rank < 0:
                return worst is None
            return worst is not None and worst.rank >= self._min_rank
        return True
