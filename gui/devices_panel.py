"""The device list: search box, category / tag / issue filters and the sortable table."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.models import Category, Severity, Tag
from gui.filter_proxy import DeviceFilterProxy
from gui.models import (
    ROW_ROLE,
    Column,
    DeviceRow,
    DeviceTableModel,
    category_name,
    tag_name,
)

# The name takes the room left (and elides), so Open issues stays in sight on a 1280 px screen.
_COLUMN_WIDTHS = {Column.CATEGORY: 44, Column.VENDOR: 100, Column.MODEL: 120, Column.IP: 105,
                  Column.MAC: 140, Column.TAG: 80, Column.SCORE: 50, Column.ISSUES: 185}


class DevicesPanel(QWidget):
    """The table through the filter proxy; emits device_activated(mac) on Enter or double-click."""

    device_activated = Signal(str)

    def __init__(self, model: DeviceTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = DeviceFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, vendor, model, IP or MAC"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.category_filter = self._combo([(self.tr("All types"), None)] + [
            (category_name(c), c) for c in Category])
        self.category_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_category(self.category_filter.currentData()))
        self.tag_filter = self._combo([(self.tr("All tags"), None)] + [
            (tag_name(t), t) for t in Tag])
        self.tag_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_tag(self.tag_filter.currentData()))
        self.severity_filter = self._combo([
            (self.tr("Any issues"), None), (self.tr("Critical"), Severity.CRITICAL.rank),
            (self.tr("High or worse"), Severity.HIGH.rank),
            (self.tr("Medium or worse"), Severity.MEDIUM.rank),
            (self.tr("Low or worse"), Severity.LOW.rank), (self.tr("No open issues"), -1)])
        self.severity_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_min_severity(self.severity_filter.currentData()))
        self.table = self._table()
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self.table)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self._build()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.dataChanged,
                       self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.layoutChanged,
                       self.proxy.modelReset):
            signal.connect(self._update_state)
        self.set_empty_text(self.tr("No scan yet: choose a network and press Scan."))
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)

    def _combo(self, entries: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox()
        for text, value in entries:
            combo.addItem(text, value)
        return combo

    def _table(self) -> QTableView:
        table = QTableView()
        table.setAccessibleName(self.tr("Devices"))
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(Column.ISSUES, Qt.SortOrder.DescendingOrder)  # worst first
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in _COLUMN_WIDTHS.items():
            table.setColumnWidth(column, width)
        table.doubleClicked.connect(self._activate)
        table.activated.connect(self._activate)
        return table

    def _build(self) -> None:
        filters = QHBoxLayout()
        search_label = QLabel(self.tr("Sea&rch"))
        search_label.setBuddy(self.search)
        filters.addWidget(search_label)
        filters.addWidget(self.search, 2)
        for combo in (self.category_filter, self.tag_filter, self.severity_filter):
            filters.addWidget(combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.count_label)

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self._update_state()

    def selected_mac(self) -> str | None:
        index = self.table.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        return row.device.mac if isinstance(row, DeviceRow) else None

    def row_after(self, mac: str) -> DeviceRow | None:
        """The device after `mac` in the table's current order (None after the last one)."""
        rows = [self.proxy.index(n, 0).data(ROW_ROLE) for n in range(self.proxy.rowCount())]
        macs = [row.device.mac for row in rows if isinstance(row, DeviceRow)]
        if mac not in macs or macs.index(mac) + 1 >= len(macs):
            return None
        following = rows[macs.index(mac) + 1]
        return following if isinstance(following, DeviceRow) else None

    def _activate(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if isinstance(row, DeviceRow):
            self.device_activated.emit(row.device.mac)

    def _update_state(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        if total == 0:
            self.empty_label.setText(self._empty_text)
            self.stack.setCurrentWidget(self.empty_label)
        elif shown == 0:
            self.empty_label.setText(self.tr("No device matches the search and filters."))
            self.stack.setCurrentWidget(self.empty_label)
        else:
            self.stack.setCurrentWidget(self.table)
        if total and shown != total:
            text = self.tr("{0} of {1} devices shown").format(shown, total)
        else:
            text = self.tr("{0} devices").format(total) if total else ""
        missing = sum(1 for row in self.model.rows if row.missing and not row.kept)
        if missing:
            text += "  " + self.tr("({0} not in the latest scan: greyed, not counted in the "
                                   "score)").format(missing)
        self.count_label.setText(text)
