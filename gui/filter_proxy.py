"""The device table's filter proxy: search text plus category, tag and severity filters."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from core.models import Category, Tag
from gui.models import AnyIndex, DeviceRow, DeviceTableModel


class DeviceFilterProxy(QSortFilterProxyModel):
    """Search text plus category, tag and severity filters; sorting is delegated to the source."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._category: Category | None = None
        self._tag: Tag | None = None
        self._min_rank: int | None = None  # -1 means "no open issues"
        self._flags: list[bool] = []
        self._flags_generation = -1

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
            self._change_rows_done()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self._change_rows_done()
            self.invalidateRowsFilter()

    def _change_rows_done(self) -> None:
        """Decide every row once in one Python pass; filterAcceptsRow then only looks it up."""
        source = self.sourceModel()
        if isinstance(source, DeviceTableModel):
            self._flags = [self._accepts(row) for row in source.rows]
            self._flags_generation = source.generation

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, DeviceTableModel):
            source.sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        source = self.sourceModel()
        assert isinstance(source, DeviceTableModel)
        if self._flags_generation != source.generation:
            self._change_rows_done()  # one pass over all rows beats one slow call per row
        return self._flags[source_row]

    def _accepts(self, row: DeviceRow) -> bool:
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
